"""English formats for Tessera: ISO dates and a 24-hour clock.

The study's English-speaking services are in Scotland and among staff of every country;
an ISO date (2026-03-14) cannot be read the American or the British way by mistake, and
clinics work to a 24-hour clock. Django's own English formats are American (m/d/Y, 2 p.m.).
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1  # Monday
