"""National identity numbers on the patient record: format, date and check-digit rules.

Pure Python (no Django), so forms, imports and scripts can share one set of rules.
Check digits and embedded dates are python-stdnum's (docs/decisions/0009-libraries.md);
what it lacks stays here by hand: the Scottish CHI number's date, the Swedish
samordningsnummer, the century of a two-digit year measured against `today`, and the
plain-language messages.

Schemes, keyed by ISO 3166-1 alpha-2 code. Scotland is keyed by its ISO 3166-2
subdivision code "GB-SCT" because the CHI number is Scottish, not UK-wide:

    SE      personnummer, samordningsnummer    Skatteverket SKV 704
    NO      fødselsnummer, D-nummer            Skatteetaten / Folkeregisteret
    DK      CPR-nummer                         CPR-kontoret
    NL      burgerservicenummer (BSN)          Rijksoverheid BSN elfproef
    GB-SCT  Community Health Index (CHI)       NHS Scotland CHI

Any other country, plain "GB" included (England, Wales and Northern Ireland use other
numbers), is NOT checked: whitespace is removed, the value is kept as typed and
birth_date is None. has_checksum() is False for those countries and for DK, whose
numbers carry no usable check digit.

Dates that lack a century (SE ten-digit form, CHI) resolve to the latest date that is
not after `today` (default: date.today()); every birth date must not be in the future.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from stdnum import exceptions as stdnum_errors
from stdnum import luhn
from stdnum.dk import cpr
from stdnum.gb import nhs
from stdnum.nl import bsn
from stdnum.no import fodselsnummer
from stdnum.se import personnummer


class InvalidNationalId(ValueError):
    """Raised with a plain-language English message that can be shown beside a form field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class NationalId:
    country: str  # upper-cased key, e.g. "SE" or "GB-SCT"
    value: str  # canonical form, as stored
    birth_date: date | None = None  # None when the scheme does not encode one


def gettext_noop(s: str) -> str:
    """Mark a message for translation without translating it (Django's makemessages extracts
    gettext_noop calls by name); core.models.people translates it with gettext(str(exc))."""
    return s


_NO_COUNTRY = gettext_noop("Please choose the country that issued the number.")
_EMPTY = gettext_noop("Please enter the identity number.")
_LETTERS = gettext_noop(
    "The number should contain only digits; please remove any letters or other characters."
)
_BAD_DATE = gettext_noop(
    "The date of birth in the number is not a real date; please check the number."
)
_FUTURE = gettext_noop("The date of birth in the number is in the future; please check the number.")
_CHECK = gettext_noop("The check digit does not match; please check the number.")
_NO_RANGE = gettext_noop(
    "The number does not fit the year of birth it contains; please check the number."
)
_ZEROS = gettext_noop("The number cannot be all zeros.")
_FORMAT_SE = gettext_noop(
    "A Swedish personal identity number has 10 or 12 digits, written YYMMDD-NNNN or YYYYMMDD-NNNN."
)
_FORMAT_NO = gettext_noop("A Norwegian national identity number has 11 digits.")
_FORMAT_DK = gettext_noop("A Danish CPR number has 10 digits, written DDMMYY-SSSS.")
_FORMAT_NL = gettext_noop("A Dutch citizen service number (BSN) has 9 digits.")
_FORMAT_CHI = gettext_noop("A CHI number has 10 digits.")


def _parse(text: str, pattern: str, separators: str, fmt: str) -> re.Match[str]:
    """Match the whitespace-free text, or say whether it has stray characters or bad length."""
    match = re.fullmatch(pattern, text)
    if match:
        return match
    if re.search("[^0-9" + re.escape(separators) + "]", text):
        raise InvalidNationalId(_LETTERS)
    raise InvalidNationalId(fmt)


def _real_date(year: int, month: int, day: int, today: date) -> date:
    try:
        born = date(year, month, day)
    except ValueError:
        raise InvalidNationalId(_BAD_DATE) from None
    if born > today:
        raise InvalidNationalId(_FUTURE)
    return born


def _latest_date(yy: int, month: int, day: int, today: date, latest_year: int) -> date:
    """Latest date in a year ending in yy, no later than latest_year and not after today."""
    year = latest_year - (latest_year - yy) % 100
    for candidate in (year, year - 100):  # the earlier century if the later is in the future
        try:
            born = date(candidate, month, day)
        except ValueError:
            continue  # 29 February exists in 2000 but not in 1900 or 2100
        if born <= today:
            return born
    raise InvalidNationalId(_BAD_DATE)


def _checked(check: Callable[[], object], fmt: str) -> None:
    """Run a python-stdnum check and say what it found in this module's own words."""
    try:
        check()
    except stdnum_errors.InvalidChecksum:
        raise InvalidNationalId(_CHECK) from None
    except stdnum_errors.InvalidComponent:
        raise InvalidNationalId(_BAD_DATE) from None
    except stdnum_errors.ValidationError:  # length or format: _parse has already ruled these out
        raise InvalidNationalId(fmt) from None


def _se(text: str, today: date) -> tuple[str, date]:
    # Skatteverket SKV 704: YYMMDD-NNNN, YYMMDD+NNNN, YYYYMMDDNNNN or YYYYMMDD-NNNN
    # (YYMMDDNNNN is taken as YYMMDD-NNNN).
    match = _parse(text, r"([0-9]{2})?([0-9]{6})([-+]?)([0-9]{4})", "-+", _FORMAT_SE)
    century, yymmdd, separator, tail = match.groups()
    if century and separator == "+":
        raise InvalidNationalId(_FORMAT_SE)  # '+' only appears with a two-digit year
    ten = yymmdd + tail
    yy, month, day = int(ten[0:2]), int(ten[2:4]), int(ten[4:6])
    coordination = day > 60
    if coordination:
        day -= 60  # Skatteverket samordningsnummer: birth day + 60
    # By hand: stdnum resolves a two-digit year from the calendar year alone and cannot be
    # given `today`, so "born later this year" would be read as a date in the future.
    if century:
        born = _real_date(int(century) * 100 + yy, month, day, today)
    elif separator == "+":
        # SKV 704: the hyphen becomes '+' from the year the holder turns 100.
        born = _latest_date(yy, month, day, today, today.year - 100)
    else:
        born = _latest_date(yy, month, day, today, today.year)
    canonical = f"{born.year // 100:02d}{ten[:6]}-{ten[6:]}"
    if coordination:
        # stdnum.se.personnummer reads day + 60 as a date and refuses it, so a
        # samordningsnummer gets only the SKV 704 Luhn check over its ten digits.
        _checked(lambda: luhn.validate(ten), _FORMAT_SE)
    else:
        _checked(lambda: personnummer.validate(canonical), _FORMAT_SE)  # date and Luhn
    return canonical, born


def _no(text: str, today: date) -> tuple[str, date]:
    _parse(text, r"[0-9]{11}", "", _FORMAT_NO)  # Folkeregisteret: DDMMYY + III + K1 K2
    if int(text[2:4]) > 12:
        # stdnum also reads H-numbers (month + 40): temporary numbers a hospital gives,
        # never a person's identity number, so the record does not take them.
        raise InvalidNationalId(_BAD_DATE)
    try:
        # Skatteetaten: D-nummer day + 40; the individual number (digits 7-9) gives the century.
        born = fodselsnummer.get_birth_date(text)
    except stdnum_errors.InvalidComponent:
        try:  # was it the century? the same year and individual number on 1 January
            fodselsnummer.get_birth_date("0101" + text[4:])
        except stdnum_errors.InvalidComponent:
            raise InvalidNationalId(_NO_RANGE) from None  # e.g. 500-749 with 40-53
        raise InvalidNationalId(_BAD_DATE) from None
    if born > today:
        raise InvalidNationalId(_FUTURE)
    # Skatteetaten: two modulus-11 check digits; stdnum gives "10" where none can match.
    if (fodselsnummer.calc_check_digit1(text), fodselsnummer.calc_check_digit2(text)) != (
        text[9],
        text[10],
    ):
        raise InvalidNationalId(_CHECK)
    return text, born


def _dk(text: str, today: date) -> tuple[str, date]:
    match = _parse(text, r"([0-9]{6})-?([0-9]{4})", "-", _FORMAT_DK)  # CPR-kontoret DDMMYY-SSSS
    ddmmyy, serial = match.groups()
    try:
        born = cpr.get_birth_date(ddmmyy + serial)  # CPR-kontoret: the 7th digit gives the century
    except stdnum_errors.InvalidComponent:
        raise InvalidNationalId(_BAD_DATE) from None
    if born > today:
        raise InvalidNationalId(_FUTURE)
    # CPR-kontoret: numbers issued since 2007 need not pass the old modulus-11 test,
    # so there is deliberately no check-digit test here (stdnum agrees).
    return f"{ddmmyy}-{serial}", born


def _nl(text: str, today: date) -> tuple[str, None]:
    _parse(text, r"[0-9]{8,9}", "", _FORMAT_NL)
    number = text.zfill(9)  # Rijksoverheid: an eight-digit BSN takes a leading zero
    if int(number) == 0:
        raise InvalidNationalId(_ZEROS)
    _checked(lambda: bsn.validate(number), _FORMAT_NL)  # Rijksoverheid BSN elfproef
    return number, None


def _chi(text: str, today: date) -> tuple[str, date]:
    # By hand: stdnum has no CHI number. NHS Scotland CHI: DDMMYY + 4 digits.
    _parse(text, r"[0-9]{10}", "", _FORMAT_CHI)
    born = _latest_date(int(text[4:6]), int(text[2:4]), int(text[0:2]), today, today.year)
    # NHS Scotland CHI: modulus 11 over digits 1-9 with weights 10..2, the check digit the
    # same as the NHS number's, so stdnum.gb.nhs computes it (11 -> 0; 10 never matches).
    if nhs.checksum(text) != 0:
        raise InvalidNationalId(_CHECK)
    return text, born


_Scheme = Callable[[str, date], tuple[str, date | None]]
_SCHEMES: dict[str, tuple[_Scheme, bool]] = {  # key -> (parser, has a check digit)
    "DK": (_dk, False),
    "GB-SCT": (_chi, True),
    "NL": (_nl, True),
    "NO": (_no, True),
    "SE": (_se, True),
}

SUPPORTED_COUNTRIES: tuple[str, ...] = tuple(_SCHEMES)


def has_checksum(country: str) -> bool:
    """True when numbers for this country are checked against a check digit."""
    scheme = _SCHEMES.get(country.strip().upper())
    return scheme is not None and scheme[1]


def validate_national_id(country: str, value: str, *, today: date | None = None) -> NationalId:
    """Check `value` under the country's scheme; raise InvalidNationalId if it fails.

    Unknown countries are accepted unchecked (whitespace removed, birth_date None).
    """
    key = country.strip().upper()
    if not key:
        raise InvalidNationalId(_NO_COUNTRY)
    text = "".join(value.split())
    if not text:
        raise InvalidNationalId(_EMPTY)
    scheme = _SCHEMES.get(key)
    if scheme is None:
        return NationalId(key, text, None)
    canonical, born = scheme[0](text, date.today() if today is None else today)
    return NationalId(key, canonical, born)


def normalise(country: str, value: str, *, today: date | None = None) -> str:
    """The canonical stored form of `value`; raises InvalidNationalId like validate_national_id."""
    return validate_national_id(country, value, today=today).value
