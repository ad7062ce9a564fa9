"""National identity numbers on the patient record: format, date and check-digit rules.

Pure Python (no Django), so forms, imports and scripts can share one set of rules.

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date


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


def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        product = int(char) * (2 if position % 2 else 1)
        total += product - 9 if product > 9 else product
    return total % 10 == 0


def _mod11_digit(digits: str, weights: Sequence[int]) -> int:
    """11 - (weighted sum mod 11), with 11 read as 0; 10 means no check digit can match."""
    remainder = 11 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return 0 if remainder == 11 else remainder


def _se(text: str, today: date) -> tuple[str, date]:
    # Skatteverket SKV 704: YYMMDD-NNNN, YYMMDD+NNNN, YYYYMMDDNNNN or YYYYMMDD-NNNN
    # (YYMMDDNNNN is taken as YYMMDD-NNNN).
    match = _parse(text, r"([0-9]{2})?([0-9]{6})([-+]?)([0-9]{4})", "-+", _FORMAT_SE)
    century, yymmdd, separator, tail = match.groups()
    if century and separator == "+":
        raise InvalidNationalId(_FORMAT_SE)  # '+' only appears with a two-digit year
    ten = yymmdd + tail
    yy, month, day = int(ten[0:2]), int(ten[2:4]), int(ten[4:6])
    if day > 60:
        day -= 60  # Skatteverket samordningsnummer: birth day + 60
    if century:
        born = _real_date(int(century) * 100 + yy, month, day, today)
    elif separator == "+":
        # SKV 704: the hyphen becomes '+' from the year the holder turns 100.
        born = _latest_date(yy, month, day, today, today.year - 100)
    else:
        born = _latest_date(yy, month, day, today, today.year)
    if not _luhn_ok(ten):  # SKV 704: Luhn (10-modulus) check over the ten digits
        raise InvalidNationalId(_CHECK)
    return f"{born.year // 100:02d}{ten[:6]}-{ten[6:]}", born


_NO_WEIGHTS_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)  # Skatteetaten / Folkeregisteret, first check digit
_NO_WEIGHTS_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)  # second check digit, over the first ten digits


def _no_century(yy: int, individual: int) -> int:
    # Skatteetaten / Folkeregisteret: the individual number (digits 7-9) gives the century.
    if individual <= 499:
        return 1900
    if individual >= 900 and yy >= 40:
        return 1900
    if yy <= 39:  # individual 500-999
        return 2000
    if individual <= 749 and yy >= 54:
        return 1800
    raise InvalidNationalId(_NO_RANGE)  # 500-749 with 40-53, or 750-899 with 40-99


def _no(text: str, today: date) -> tuple[str, date]:
    _parse(text, r"[0-9]{11}", "", _FORMAT_NO)  # Folkeregisteret: DDMMYY + III + K1 K2
    day, month, yy = int(text[0:2]), int(text[2:4]), int(text[4:6])
    if day > 40:
        day -= 40  # Skatteetaten D-nummer: birth day + 40
    born = _real_date(_no_century(yy, int(text[6:9])) + yy, month, day, today)
    if _mod11_digit(text[:9], _NO_WEIGHTS_K1) != int(text[9]):
        raise InvalidNationalId(_CHECK)
    if _mod11_digit(text[:10], _NO_WEIGHTS_K2) != int(text[10]):
        raise InvalidNationalId(_CHECK)
    return text, born


def _dk_century(yy: int, seventh: int) -> int:
    # CPR-kontoret: the 7th digit (first of the serial) gives the century.
    if seventh <= 3:
        return 1900
    if seventh in (4, 9):
        return 2000 if yy <= 36 else 1900
    return 2000 if yy <= 57 else 1800  # 5-8


def _dk(text: str, today: date) -> tuple[str, date]:
    match = _parse(text, r"([0-9]{6})-?([0-9]{4})", "-", _FORMAT_DK)  # CPR-kontoret DDMMYY-SSSS
    ddmmyy, serial = match.groups()
    yy = int(ddmmyy[4:6])
    born = _real_date(
        _dk_century(yy, int(serial[0])) + yy, int(ddmmyy[2:4]), int(ddmmyy[:2]), today
    )
    # CPR-kontoret: numbers issued since 2007 need not pass the old modulus-11 test,
    # so there is deliberately no check-digit test here.
    return f"{ddmmyy}-{serial}", born


_BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)  # Rijksoverheid BSN elfproef


def _nl(text: str, today: date) -> tuple[str, None]:
    _parse(text, r"[0-9]{8,9}", "", _FORMAT_NL)
    bsn = text.zfill(9)  # Rijksoverheid: an eight-digit BSN takes a leading zero
    if int(bsn) == 0:
        raise InvalidNationalId(_ZEROS)
    if sum(int(d) * w for d, w in zip(bsn, _BSN_WEIGHTS, strict=True)) % 11:
        raise InvalidNationalId(_CHECK)  # elfproef: weighted sum divisible by 11
    return bsn, None


_CHI_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)  # NHS Scotland CHI: modulus 11 on digits 1-9


def _chi(text: str, today: date) -> tuple[str, date]:
    _parse(text, r"[0-9]{10}", "", _FORMAT_CHI)  # NHS Scotland CHI: DDMMYY + 4 digits
    born = _latest_date(int(text[4:6]), int(text[2:4]), int(text[0:2]), today, today.year)
    if _mod11_digit(text[:9], _CHI_WEIGHTS) != int(text[9]):  # 11 -> 0; 10 never matches
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
