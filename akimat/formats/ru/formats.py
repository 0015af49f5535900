"""Russian formats: Django's `ru` values, with dd.mm.yyyy input as in Kazakh and the day-month
form in the genitive («6 декабря»; Django's "j F" gives «6 Декабрь»).
"""

from __future__ import annotations

from akimat.formats.kazakhstan import DATE_INPUT_FORMATS as DATE_INPUT_FORMATS
from akimat.formats.kazakhstan import DATETIME_INPUT_FORMATS as DATETIME_INPUT_FORMATS
from akimat.formats.kazakhstan import DECIMAL_SEPARATOR as DECIMAL_SEPARATOR
from akimat.formats.kazakhstan import NUMBER_GROUPING as NUMBER_GROUPING
from akimat.formats.kazakhstan import THOUSAND_SEPARATOR as THOUSAND_SEPARATOR
from akimat.formats.kazakhstan import TIME_INPUT_FORMATS as TIME_INPUT_FORMATS

DATE_FORMAT = "j E Y г."
TIME_FORMAT = "G:i"
DATETIME_FORMAT = "j E Y г. G:i"
YEAR_MONTH_FORMAT = "F Y г."
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
