"""What Kazakhstan's formats share in Kazakh and in Russian: how dates and times are typed, and
the decimal comma with a non-breaking space between thousands. Each language's module takes
these and adds its own way of writing a date."""

from __future__ import annotations

# dd.mm.yyyy first: the admin's date widgets write the first one. No "m/d/Y": «12/06/2026» is
# refused rather than read as 6 December. ISO stays for <input type="date">.
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
