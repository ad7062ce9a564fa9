"""The uptake area of a patient: the postcode area read from their postal address
(``Patient.address``, free text), by the clinic's country. Only the area is kept, never
the full postcode or the address, so the dashboard can show where patients live without
pointing at anyone.

- Sweden: five digits (``123 45``); the area is the first three (the postal sorting area).
- Norway and Denmark: four digits; the area is the first two.
- The Netherlands: four digits and two letters (``1234 AB``); the area is the four
  digits (the PC4 area of national statistics).
- Scotland: the UK outward code (``EH1`` of ``EH1 2AB``).

An address without a recognisable postcode gives "" ("not known").
"""

from __future__ import annotations

import re

_PATTERNS = {
    "SE": (re.compile(r"(?<!\d)(\d{3})\s?\d{2}(?!\d)"), 1),
    "NO": (re.compile(r"(?<!\d)(\d{2})\d{2}(?!\d)"), 1),
    "DK": (re.compile(r"(?<!\d)(\d{2})\d{2}(?!\d)"), 1),
    "NL": (re.compile(r"(?<!\d)(\d{4})\s?[A-Za-z]{2}(?![A-Za-z])"), 1),
    "GB-SCT": (
        re.compile(r"\b([A-Za-z]{1,2}\d[A-Za-z\d]?)\s*\d[A-Za-z]{2}\b"),
        1,
    ),
}


def postcode_area(address: str, country: str) -> str:
    """The area of the last postcode in the address ("" when there is none)."""
    found = _PATTERNS.get(country)
    if found is None or not address:
        return ""
    pattern, group = found
    matches = list(pattern.finditer(address))
    if not matches:
        return ""
    return matches[-1].group(group).upper()
