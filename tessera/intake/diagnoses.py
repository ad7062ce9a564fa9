"""Working diagnoses at assessment: the ICD-10 codes relevant to iCBT services (F3x mood,
F4x anxiety and stress related, F5x behavioural syndromes), shipped as data in
``data/icd10_icbt.json`` with short labels in every interface language (en, sv, nb, da, nl), written
for Tessera; a language without a label falls back to English.
Source: WHO ICD-10, chapter V (the file says so in its ``source``)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

DATA = Path(__file__).parent / "data" / "icd10_icbt.json"


@cache
def _load() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def source() -> str:
    return _load()["source"]


def codes() -> list[str]:
    return [row["code"] for row in _load()["codes"]]


def label(code: str, language: str | None = None) -> str:
    language = (language or get_language() or "en")[:2]
    for row in _load()["codes"]:
        if row["code"] == code:
            return row.get(language) or row["en"]
    return code


def choices(language: str | None = None) -> list[tuple[str, str]]:
    return [(code, f"{code} {label(code, language)}") for code in codes()]
