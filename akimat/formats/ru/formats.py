"""Russian formats: Django's `ru` values, with dd.mm.yyyy input as in Kazakh and the day-month
form in the genitive («6 декабря»; Django's "j F" gives «6 Декабрь»).
"""

from __future__ import annotations

DATE_FORMAT = "j E Y г."
TIME_FORMAT = "G:i"
DATETIME_FORMAT = "j E Y г. G:i"
YEAR_MONTH_FORMAT = "F Y г."
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%d.%m.%Y",  # '06.12.2026'
    "%Y-%m-%d",  # '2026-12-06'
    "%d.%m.%y",  # '06.12.26'
]
TIME_INPUT_FORMATS = [
    "%H:%M:%S",  # '14:30:59'
    "%H:%M:%S.%f",  # '14:30:59.000200'
    "%H:%M",  # '14:30'
]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M:%S",  # '06.12.2026 14:30:59'
    "%d.%m.%Y %H:%M:%S.%f",  # '06.12.2026 14:30:59.000200'
    "%d.%m.%Y %H:%M",  # '06.12.2026 14:30'
    "%Y-%m-%d %H:%M:%S",  # '2026-12-06 14:30:59'
    "%Y-%m-%d %H:%M:%S.%f",  # '2026-12-06 14:30:59.000200'
    "%Y-%m-%d %H:%M",  # '2026-12-06 14:30'
    "%d.%m.%y %H:%M:%S",  # '06.12.26 14:30:59'
    "%d.%m.%y %H:%M:%S.%f",  # '06.12.26 14:30:59.000200'
    "%d.%m.%y %H:%M",  # '06.12.26 14:30'
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # a non-breaking space
NUMBER_GROUPING = 3
