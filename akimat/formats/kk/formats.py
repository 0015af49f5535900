"""Kazakh formats: «6 желтоқсан 2026 ж.», a 24-hour clock, «06.12.2026», «1 234,5».

The *_FORMAT values use Django's date syntax ("E" is the month in the form used after a day:
pgettext("alt. month", …), lowercase in Kazakh); the *_INPUT_FORMATS use strptime's.
"""

from __future__ import annotations

from akimat.formats.kazakhstan import DATE_INPUT_FORMATS as DATE_INPUT_FORMATS
from akimat.formats.kazakhstan import DATETIME_INPUT_FORMATS as DATETIME_INPUT_FORMATS
from akimat.formats.kazakhstan import DECIMAL_SEPARATOR as DECIMAL_SEPARATOR
from akimat.formats.kazakhstan import NUMBER_GROUPING as NUMBER_GROUPING
from akimat.formats.kazakhstan import THOUSAND_SEPARATOR as THOUSAND_SEPARATOR
from akimat.formats.kazakhstan import TIME_INPUT_FORMATS as TIME_INPUT_FORMATS

DATE_FORMAT = "j E Y ж."
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j E Y ж., H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
