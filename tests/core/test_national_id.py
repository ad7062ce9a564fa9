"""Tests for tessera.core.national_id (pure Python: runs without Django).

The helpers below build valid numbers on their own terms: each finds a check digit by
trying 0-9 until the scheme's "weighted sum including the check digit" rule holds,
rather than by the 11 - (sum mod 11) formula the module uses.
"""

import ast
import dataclasses
import inspect
from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tessera.core import national_id
from tessera.core.national_id import (
    SUPPORTED_COUNTRIES,
    InvalidNationalId,
    NationalId,
    has_checksum,
    normalise,
    validate_national_id,
)

TODAY = date(2025, 6, 1)

CHECK = "check digit does not match"
BAD_DATE = "not a real date"
FUTURE = "in the future"
LETTERS = "only digits"
FORMAT = "digits"  # every length/format message names the number of digits
NO_RANGE = "does not fit the year of birth"

# --- independent check-digit helpers -------------------------------------------------

LUHN_DOUBLED = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9]  # digit sum of 2*d, for d = 0..9
NO_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)  # published weights, plus 1 for the check digit itself
NO_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
CHI = (10, 9, 8, 7, 6, 5, 4, 3, 2, 1)
BSN = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def luhn_digit(nine: str) -> str:
    for c in "0123456789":
        ten = nine + c
        total = sum(LUHN_DOUBLED[int(d)] if i % 2 == 0 else int(d) for i, d in enumerate(ten))
        if total % 10 == 0:
            return c
    raise AssertionError("Luhn always has a check digit")


def mod11_digit(prefix: str, weights: tuple[int, ...]) -> str | None:
    for c in "0123456789":
        if sum(w * int(d) for w, d in zip(weights, prefix + c, strict=True)) % 11 == 0:
            return c
    return None  # the remainder would need a "10": no valid number with this prefix


def no_number(nine: str) -> str | None:
    k1 = mod11_digit(nine, NO_K1)
    k2 = None if k1 is None else mod11_digit(nine + k1, NO_K2)
    return None if k2 is None else nine + k1 + k2


def yymmdd(born: date, day_offset: int = 0) -> str:
    return f"{born.year % 100:02d}{born.month:02d}{born.day + day_offset:02d}"


def ddmmyy(born: date, day_offset: int = 0) -> str:
    return f"{born.day + day_offset:02d}{born.month:02d}{born.year % 100:02d}"


def se_ten(born: date, serial: str, day_offset: int = 0) -> str:
    nine = yymmdd(born, day_offset) + serial
    return nine + luhn_digit(nine)


def chi_number(born: date, serial: str) -> str | None:
    check = mod11_digit(ddmmyy(born) + serial, CHI)
    return None if check is None else ddmmyy(born) + serial + check


# --- literal examples, check digits worked by hand ------------------------------------
# SE 811218-9876: Luhn weights 2,1,2,1,... over 8 1 1 2 1 8 9 8 7:
#   16->7, 1, 2, 2, 2, 8, 18->9, 8, 14->5; sum 44; check (10 - 4) % 10 = 6.
# SE 701063-2391 (samordningsnummer, day 3 + 60): 14->5, 0, 2, 0, 12->3, 3, 4, 3, 18->9;
#   sum 29; check 1.
# SE 250801-1232: 4, 5, 0, 8, 0, 1, 2, 2, 6; sum 28; check 2.
# NO 01019012480: K1 = 0+7+0+1+72+0+4+10+8 = 102, 102 % 11 = 3, 11-3 = 8;
#   K2 = 0+4+0+2+63+0+5+8+12+16 = 110, 110 % 11 = 0, 11 -> 0.
# NO 41019012474 (D-nummer, day 1 + 40): K1 = 12+7+0+1+72+0+4+10+8 = 114, rem 4 -> 7;
#   K2 = 20+4+0+2+63+0+5+8+12+14 = 128, rem 7 -> 4.
# NO 15030551262 (individual 512, year 05 -> 2005): K1 = 3+35+0+3+0+45+20+5+4 = 115,
#   rem 5 -> 6; K2 = 5+20+0+6+0+30+25+4+6+12 = 108, rem 9 -> 2.
# NL 111222333: 9+8+7+12+10+8+9+6-3 = 66 = 6*11.  NL 123456782: 9+16+21+24+25+24+21+16-2
#   = 154 = 14*11.  NL 12345672 -> 012345672: 0+8+14+18+20+20+18+14-2 = 110 = 10*11.
# CHI 0101501234: 0+9+0+7+30+0+4+6+6 = 62, 62 % 11 = 7, 11-7 = 4.
# CHI 0101501250: 0+9+0+7+30+0+4+6+10 = 66, rem 0, 11 -> 0.
# CHI 010150120?: 0+9+0+7+30+0+4+6+0 = 56, rem 1, 11-1 = 10: no digit can be valid.

VALID = [
    ("SE", "811218-9876", "19811218-9876", date(1981, 12, 18)),
    ("SE", "8112189876", "19811218-9876", date(1981, 12, 18)),
    ("SE", "19811218-9876", "19811218-9876", date(1981, 12, 18)),
    ("SE", "198112189876", "19811218-9876", date(1981, 12, 18)),
    ("SE", " 19811218 - 9876 ", "19811218-9876", date(1981, 12, 18)),
    ("SE", "811218+9876", "18811218-9876", date(1881, 12, 18)),
    ("SE", "701063-2391", "19701063-2391", date(1970, 10, 3)),
    ("SE", "19701063-2391", "19701063-2391", date(1970, 10, 3)),
    # 2025-08-01 would be in the future, so the ten-digit form means 1925.
    ("SE", "250801-1232", "19250801-1232", date(1925, 8, 1)),
    # '+' is used from the year of the 100th birthday (SKV 704), so this is 1925 as well.
    ("SE", "250801+1232", "19250801-1232", date(1925, 8, 1)),
    ("NO", "01019012480", "01019012480", date(1990, 1, 1)),
    ("NO", "010190 12480", "01019012480", date(1990, 1, 1)),
    ("NO", "41019012474", "41019012474", date(1990, 1, 1)),
    ("NO", "15030551262", "15030551262", date(2005, 3, 15)),
    ("DK", "010160-1234", "010160-1234", date(1960, 1, 1)),
    ("DK", "0101601234", "010160-1234", date(1960, 1, 1)),
    # Weighted sum 4,3,2,7,6,5,4,3,2,1 is 67 (not a multiple of 11): accepted since 2007.
    ("DK", "010160-1235", "010160-1235", date(1960, 1, 1)),
    ("DK", "290200-4000", "290200-4000", date(2000, 2, 29)),
    ("DK", "311299-5000", "311299-5000", date(1899, 12, 31)),
    ("NL", "111222333", "111222333", None),
    ("NL", "123456782", "123456782", None),
    ("NL", "1234 56 782", "123456782", None),
    ("NL", "12345672", "012345672", None),
    ("GB-SCT", "0101501234", "0101501234", date(1950, 1, 1)),
    ("GB-SCT", "010150 1234", "0101501234", date(1950, 1, 1)),
    ("gb-sct", "0101501250", "0101501250", date(1950, 1, 1)),
]


@pytest.mark.parametrize(("country", "typed", "canonical", "born"), VALID)
def test_valid_literal_examples(country, typed, canonical, born):
    result = validate_national_id(country, typed, today=TODAY)
    assert result == NationalId(country.upper(), canonical, born)
    assert normalise(country, typed, today=TODAY) == canonical
    assert normalise(country, canonical, today=TODAY) == canonical


INVALID = [
    ("SE", "811218-9875", CHECK),
    ("SE", "811218-9866", CHECK),
    ("SE", "811318-9876", BAD_DATE),
    ("SE", "811232-9876", BAD_DATE),
    ("SE", "810160-9876", BAD_DATE),  # samordningsnummer with day 0
    ("SE", "811218-987", FORMAT),
    ("SE", "1811218-9876", FORMAT),
    ("SE", "19811218+9876", FORMAT),  # '+' only goes with a two-digit year
    ("SE", "81121B-9876", LETTERS),
    ("SE", "811218/9876", LETTERS),
    ("NO", "01019012481", CHECK),
    ("NO", "01019012490", CHECK),
    ("NO", "32019012480", BAD_DATE),
    ("NO", "01419012480", BAD_DATE),  # month + 40 (H-number) is not accepted
    ("NO", "72019012480", BAD_DATE),  # D-nummer with day 32
    ("NO", "01014560000", NO_RANGE),  # individual 600 is not issued for 1945
    ("NO", "01014580000", NO_RANGE),  # 750-899 is not issued for 1940-1999
    ("NO", "01013050000", FUTURE),  # individual 500 with year 30 -> 2030
    ("NO", "0101901248", FORMAT),
    ("NO", "0101901248O", LETTERS),
    ("DK", "320160-1234", BAD_DATE),
    ("DK", "290201-4000", BAD_DATE),  # 2001 is not a leap year
    ("DK", "290200-0000", BAD_DATE),  # 7th digit 0 -> 1900, not a leap year
    ("DK", "010130-4000", FUTURE),  # 7th digit 4 with year 30 -> 2030
    ("DK", "010160-123", FORMAT),
    ("DK", "01016012345", FORMAT),
    ("DK", "010160-12a4", LETTERS),
    ("DK", "010160+1234", LETTERS),
    ("NL", "123456789", CHECK),
    ("NL", "111222334", CHECK),
    ("NL", "000000000", "all zeros"),
    ("NL", "00000000", "all zeros"),
    ("NL", "1234567", FORMAT),
    ("NL", "1234567890", FORMAT),
    ("NL", "12345678A", LETTERS),
    ("NL", "123.456.782", LETTERS),
    ("GB-SCT", "0101501235", CHECK),
    ("GB-SCT", "3201501234", BAD_DATE),
    ("GB-SCT", "3102501234", BAD_DATE),
    ("GB-SCT", "2902251234", BAD_DATE),  # neither 1925 nor 2025 is a leap year
    ("GB-SCT", "010150123", FORMAT),
    ("GB-SCT", "01015O1234", LETTERS),
]


@pytest.mark.parametrize(("country", "typed", "fragment"), INVALID)
def test_invalid_literal_examples(country, typed, fragment):
    with pytest.raises(InvalidNationalId, match=fragment):
        validate_national_id(country, typed, today=TODAY)
    with pytest.raises(InvalidNationalId):
        normalise(country, typed, today=TODAY)


@pytest.mark.parametrize("last", "0123456789")
def test_chi_prefix_needing_check_digit_ten_is_always_invalid(last):
    with pytest.raises(InvalidNationalId, match=CHECK):
        validate_national_id("GB-SCT", "010150120" + last, today=TODAY)


def test_error_is_a_value_error_with_the_form_message():
    with pytest.raises(ValueError) as caught:
        validate_national_id("SE", "811218-9875", today=TODAY)
    assert isinstance(caught.value, InvalidNationalId)
    assert str(caught.value) == caught.value.message
    assert caught.value.message == "The check digit does not match; please check the number."


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_empty_value_is_rejected(blank):
    with pytest.raises(InvalidNationalId, match="enter"):
        validate_national_id("SE", blank)


def test_blank_country_is_rejected():
    with pytest.raises(InvalidNationalId, match="country"):
        validate_national_id(" ", "811218-9876")


@pytest.mark.parametrize("country", ["FR", "gb", "US", "fi"])
def test_unknown_country_is_returned_unchecked(country):
    result = validate_national_id(country, " 1 85 05 78 006 084 ab ")
    assert result == NationalId(country.upper(), "1850578006084ab", None)
    assert not has_checksum(country)


def test_supported_countries_and_has_checksum():
    assert set(SUPPORTED_COUNTRIES) == {"SE", "NO", "DK", "NL", "GB-SCT"}
    assert {c for c in SUPPORTED_COUNTRIES if has_checksum(c)} == {"SE", "NO", "NL", "GB-SCT"}
    assert has_checksum("se") and has_checksum(" gb-sct ")
    assert not has_checksum("DK")


def test_national_id_is_frozen():
    result = validate_national_id("NL", "111222333")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.value = "x"


def test_default_today_is_used_when_not_given():
    assert validate_national_id("SE", "811218-9876").birth_date == date(1981, 12, 18)


def test_module_does_not_import_django():
    tree = ast.parse(inspect.getsource(national_id))
    imported = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    imported += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert not [name for name in imported if name.split(".")[0] == "django"]


# --- century resolution ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "separator", "expected_year"),
    [
        (date(2025, 1, 1), "-", 2025),  # earlier this year
        (date(2025, 6, 1), "-", 2025),  # today itself
        (date(1925, 6, 2), "-", 1925),  # tomorrow's date in 2025 would be in the future
        (date(2000, 2, 29), "-", 2000),
        (date(1926, 1, 1), "-", 1926),
        (date(1926, 1, 1), "+", 1826),
        (date(1925, 1, 1), "+", 1925),  # turns 100 this year
        (date(1925, 12, 31), "+", 1925),
        (date(1881, 12, 18), "+", 1881),
    ],
)
def test_se_ten_digit_century(born, separator, expected_year):
    ten = se_ten(born, "123")
    result = validate_national_id("SE", ten[:6] + separator + ten[6:], today=TODAY)
    assert result.birth_date == born.replace(year=expected_year)
    assert result.value == f"{expected_year // 100}{ten[:6]}-{ten[6:]}"


def test_se_plus_on_29_february_1900_is_not_a_date():
    ten = se_ten(date(2000, 2, 29), "123")
    with pytest.raises(InvalidNationalId, match=BAD_DATE):
        validate_national_id("SE", ten[:6] + "+" + ten[6:], today=TODAY)


def test_se_twelve_digit_future_date_is_rejected():
    ten = se_ten(date(2026, 1, 1), "123")
    with pytest.raises(InvalidNationalId, match=FUTURE):
        validate_national_id("SE", "20" + ten, today=TODAY)


@pytest.mark.parametrize(
    ("born", "expected_year"),
    [(date(2025, 6, 1), 2025), (date(1925, 6, 2), 1925), (date(1926, 1, 1), 1926)],
)
def test_chi_century_is_resolved_to_the_past(born, expected_year):
    number = chi_number(born, "123") or chi_number(born, "124")
    assert validate_national_id("GB-SCT", number, today=TODAY).birth_date == born.replace(
        year=expected_year
    )


@pytest.mark.parametrize(
    ("yy", "seventh", "century"),
    [
        (60, 0, 1900),
        (36, 3, 1900),
        (36, 4, 2000),
        (37, 4, 1900),
        (57, 5, 2000),
        (58, 8, 1800),
        (99, 6, 1800),
        (10, 9, 2000),
        (37, 9, 1900),
    ],
)
def test_dk_century_from_seventh_digit(yy, seventh, century):
    typed = f"0101{yy:02d}-{seventh}000"
    expected = date(century + yy, 1, 1)
    if expected > TODAY:
        with pytest.raises(InvalidNationalId, match=FUTURE):
            validate_national_id("DK", typed, today=TODAY)
    else:
        assert validate_national_id("DK", typed, today=TODAY).birth_date == expected


def no_number_in_march(yy, individual):
    """The first day in March whose number with this year and individual number exists."""
    for day in range(1, 32):
        number = no_number(f"{day:02d}03{yy:02d}{individual:03d}")
        if number is not None:
            return day, number
    raise AssertionError("no valid number")


@pytest.mark.parametrize(
    ("yy", "individual", "year"),
    [
        (90, 123, 1990),
        (53, 499, 1953),
        (60, 950, 1960),
        (40, 900, 1940),
        (99, 749, 1899),
        (54, 500, 1854),
        (5, 999, 2005),
        (0, 500, 2000),
    ],
)
def test_no_century_from_individual_number(yy, individual, year):
    day, number = no_number_in_march(yy, individual)
    assert validate_national_id("NO", number, today=TODAY).birth_date == date(year, 3, day)


@pytest.mark.parametrize(("yy", "individual"), [(40, 500), (53, 749), (54, 750), (99, 899)])
def test_no_individual_number_outside_the_issued_ranges(yy, individual):
    _, number = no_number_in_march(yy, individual)
    with pytest.raises(InvalidNationalId, match=NO_RANGE):
        validate_national_id("NO", number, today=TODAY)


# --- what single-digit changes the schemes catch ---------------------------------------


@pytest.mark.parametrize("weights", [NO_K1, NO_K2, CHI, BSN], ids=["NO-K1", "NO-K2", "CHI", "BSN"])
def test_mod11_weights_detect_every_single_digit_change(weights):
    # A change of delta (1..9) at weight w alters the sum by w*delta; 11 is prime and no
    # weight is a multiple of 11, so the sum can never stay a multiple of 11.
    assert all((w * delta) % 11 for w in weights for delta in range(1, 10))


def test_luhn_detects_every_single_digit_change():
    # Undoubled positions shift the sum by 1..9; the doubling map is a permutation of 0..9,
    # so doubled positions shift it by a non-zero amount below 10 as well.
    assert sorted(LUHN_DOUBLED) == list(range(10))


def test_se_century_digits_are_outside_the_luhn_check():
    # The Luhn digit covers only the last ten digits, so the property below leaves the
    # first two digits of the twelve-digit form alone.
    assert normalise("SE", "18811218-9876", today=TODAY) == "18811218-9876"
    assert normalise("SE", "19811218-9876", today=TODAY) == "19811218-9876"


def test_dk_single_digit_change_can_stay_valid():
    # No check digit since 2007, so DK is left out of the property below.
    for serial in "0123456789":
        assert normalise("DK", "010160-123" + serial, today=TODAY) == "010160-123" + serial


@pytest.mark.parametrize(
    ("country", "canonical", "positions"),
    [
        ("SE", "19811218-9876", [2, 3, 4, 5, 6, 7, 9, 10, 11, 12]),
        ("SE", "19701063-2391", [2, 3, 4, 5, 6, 7, 9, 10, 11, 12]),
        ("NO", "01019012480", range(11)),
        ("NO", "41019012474", range(11)),
        ("NL", "123456782", range(9)),
        ("NL", "012345672", range(9)),
        ("GB-SCT", "0101501234", range(10)),
        ("GB-SCT", "0101501250", range(10)),
    ],
)
def test_every_single_digit_change_of_a_literal_is_rejected(country, canonical, positions):
    for i in positions:
        for digit in "0123456789":
            if digit != canonical[i]:
                with pytest.raises(InvalidNationalId):
                    changed = canonical[:i] + digit + canonical[i + 1 :]
                    validate_national_id(country, changed, today=TODAY)


# --- properties -----------------------------------------------------------------------

digits3 = st.integers(0, 999).map(lambda n: f"{n:03d}")


@st.composite
def se_numbers(draw):
    born = draw(st.dates(date(1830, 1, 1), TODAY))
    offset = draw(st.sampled_from([0, 60]))  # samordningsnummer adds 60 to the day
    ten = se_ten(born, draw(digits3), offset)
    canonical = f"{born.year // 100}{ten[:6]}-{ten[6:]}"
    separator = "+" if born.year <= TODAY.year - 100 else "-"
    forms = [canonical, canonical.replace("-", ""), ten[:6] + separator + ten[6:]]
    if separator == "-":
        forms.append(ten)
    return draw(st.sampled_from(forms)), canonical, born, [2, 3, 4, 5, 6, 7, 9, 10, 11, 12]


def no_individual_ranges(year):
    if year <= 1899:
        return [(500, 749)]
    if year <= 1939:
        return [(0, 499)]
    if year <= 1999:
        return [(0, 499), (900, 999)]
    return [(500, 999)]


@st.composite
def no_numbers(draw):
    born = draw(st.dates(date(1854, 1, 1), TODAY))
    low, high = draw(st.sampled_from(no_individual_ranges(born.year)))
    offset = draw(st.sampled_from([0, 40]))  # D-nummer adds 40 to the day
    number = no_number(ddmmyy(born, offset) + f"{draw(st.integers(low, high)):03d}")
    assume(number is not None)
    return number, number, born, list(range(11))


def dk_seventh_digits(year):
    if year <= 1899:
        return "5678"
    if year <= 1936:
        return "0123"
    if year <= 1999:
        return "012349"
    if year <= 2036:
        return "456789"
    return "5678"


@st.composite
def dk_numbers(draw):
    born = draw(st.dates(date(1858, 1, 1), TODAY))
    serial = draw(st.sampled_from(dk_seventh_digits(born.year))) + draw(digits3)
    canonical = f"{ddmmyy(born)}-{serial}"
    return draw(st.sampled_from([canonical, canonical.replace("-", "")])), canonical, born, []


@st.composite
def nl_numbers(draw):
    eight = f"{draw(st.integers(0, 10**8 - 1)):08d}"
    check = mod11_digit(eight, BSN)
    assume(check is not None and int(eight + check) != 0)
    canonical = eight + check
    forms = [canonical, canonical[1:]] if canonical[0] == "0" else [canonical]
    return draw(st.sampled_from(forms)), canonical, None, list(range(9))


@st.composite
def chi_numbers(draw):
    born = draw(st.dates(date(TODAY.year - 99, 1, 1), TODAY))
    number = chi_number(born, draw(digits3))
    assume(number is not None)
    return number, number, born, list(range(10))


STRATEGIES = {
    "SE": se_numbers(),
    "NO": no_numbers(),
    "DK": dk_numbers(),
    "NL": nl_numbers(),
    "GB-SCT": chi_numbers(),
}
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, database=None)


@pytest.mark.parametrize("country", sorted(STRATEGIES))
@PROPERTY_SETTINGS
@given(data=st.data())
def test_generated_numbers_round_trip(country, data):
    typed, canonical, born, _ = data.draw(STRATEGIES[country])
    spaced = " " + " ".join(typed[i : i + 3] for i in range(0, len(typed), 3)) + " "
    result = validate_national_id(country, data.draw(st.sampled_from([typed, spaced])), today=TODAY)
    assert result == NationalId(country, canonical, born)
    assert normalise(country, canonical, today=TODAY) == canonical


@pytest.mark.parametrize("country", [c for c in sorted(STRATEGIES) if has_checksum(c)])
@PROPERTY_SETTINGS
@given(data=st.data())
def test_changing_one_checked_digit_makes_the_number_invalid(country, data):
    _, canonical, _, positions = data.draw(STRATEGIES[country])
    i = data.draw(st.sampled_from(positions))
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != canonical[i]]))
    with pytest.raises(InvalidNationalId):
        validate_national_id(country, canonical[:i] + digit + canonical[i + 1 :], today=TODAY)


# --- what python-stdnum checks now, with numbers built here (never real people's) ---------


def no_number_with(ddmmyy_part: str, individuals: range) -> str:
    """A number with valid check digits for this date part and an individual in the range."""
    for individual in individuals:
        number = no_number(f"{ddmmyy_part}{individual:03d}")
        if number is not None:
            return number
    raise AssertionError("no valid number")


def se_with_luhn(nine: str) -> str:
    return nine + luhn_digit(nine)


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        # Valid Luhn digit, but 29 February 1901 did not exist (twelve-digit form).
        ("19" + se_with_luhn("010229123"), BAD_DATE),
        # Samordningsnummer for 30 February (day 30 + 60) with a valid Luhn digit.
        (se_with_luhn("900290123"), BAD_DATE),
        # Samordningsnummer for 31 April (day 31 + 60).
        (se_with_luhn("900491123"), BAD_DATE),
    ],
)
def test_se_impossible_dates_with_valid_check_digit(typed, fragment):
    with pytest.raises(InvalidNationalId, match=fragment):
        validate_national_id("SE", typed, today=TODAY)


def test_se_samordningsnummer_on_a_leap_day():
    ten = se_ten(date(2000, 2, 29), "457", day_offset=60)
    assert ten[:6] == "000289"
    result = validate_national_id("SE", "20" + ten, today=TODAY)
    assert result == NationalId("SE", f"20{ten[:6]}-{ten[6:]}", date(2000, 2, 29))


@pytest.mark.parametrize("offset", [0, 60], ids=["personnummer", "samordningsnummer"])
def test_se_wrong_luhn_digit_is_caught_for_both_kinds(offset):
    ten = se_ten(date(1988, 3, 14), "202", day_offset=offset)
    wrong = ten[:9] + str((int(ten[9]) + 1) % 10)
    with pytest.raises(InvalidNationalId, match=CHECK):
        validate_national_id("SE", wrong, today=TODAY)


def test_no_d_number_on_a_leap_day_is_valid():
    number = no_number_with("690200", range(500, 1000))  # 29 + 40, February, 2000
    assert validate_national_id("NO", number, today=TODAY).birth_date == date(2000, 2, 29)


@pytest.mark.parametrize(
    "ddmmyy_part",
    [
        "690290",  # D-nummer for 29 February 1990, not a leap year
        "710490",  # D-nummer for 31 April
        "810190",  # FH-number (day 81): carries no birth date
        "014190",  # H-number (month 1 + 40): a hospital's temporary number
        "290290",  # 29 February 1990 as a fødselsnummer
    ],
)
def test_no_impossible_dates_with_valid_check_digits(ddmmyy_part):
    number = no_number_with(ddmmyy_part, range(0, 500))
    with pytest.raises(InvalidNationalId, match=BAD_DATE):
        validate_national_id("NO", number, today=TODAY)


@pytest.mark.parametrize("which", [9, 10], ids=["K1", "K2"])
def test_no_each_check_digit_is_checked(which):
    number = no_number_with("150388", range(100, 500))
    wrong = number[:which] + str((int(number[which]) + 1) % 10) + number[which + 1 :]
    with pytest.raises(InvalidNationalId, match=CHECK):
        validate_national_id("NO", wrong, today=TODAY)


def test_nl_prefix_needing_check_digit_ten_is_always_invalid():
    prefix = next(
        f"{n:08d}" for n in range(10_000_000, 10**8) if mod11_digit(f"{n:08d}", BSN) is None
    )
    for last in "0123456789":
        with pytest.raises(InvalidNationalId, match=CHECK):
            validate_national_id("NL", prefix + last, today=TODAY)
