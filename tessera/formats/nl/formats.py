"""Dutch formats for Tessera: Django's, with two-digit days and months (14-03-2026), as
Dutch health services write dates."""

SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
