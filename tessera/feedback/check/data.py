"""Loads the word lists, patterns and thresholds (TOML files in ``data/``)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
LANGUAGES = ("en", "sv")
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class LanguageData:
    code: str
    reinforces_task: tuple[re.Pattern, ...]
    prompts_next_task: tuple[re.Pattern, ...]
    affirms_encourages: tuple[re.Pattern, ...]
    deadline_flexibility: tuple[re.Pattern, ...]
    jargon: tuple[tuple[re.Pattern, str], ...]
    stopwords: frozenset[str]
    suffixes: tuple[str, ...]
    known_abbreviations: frozenset[str]


def _pattern(text: str) -> re.Pattern:
    return re.compile(rf"(?<!\w)(?:{text})(?!\w)", re.IGNORECASE)


def language_code(language: str | None) -> str:
    code = (language or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


@cache
def load_language(code: str) -> LanguageData:
    with open(DATA / f"{code}.toml", "rb") as handle:
        raw = tomllib.load(handle)
    return LanguageData(
        code=code,
        reinforces_task=tuple(_pattern(p) for p in raw["reinforces_task"]),
        prompts_next_task=tuple(_pattern(p) for p in raw["prompts_next_task"]),
        affirms_encourages=tuple(_pattern(p) for p in raw["affirms_encourages"]),
        deadline_flexibility=tuple(_pattern(p) for p in raw["deadline_flexibility"]),
        jargon=tuple((_pattern(p), plain) for p, plain in raw["jargon"].items()),
        stopwords=frozenset(raw["stopwords"].split()),
        suffixes=tuple(sorted(raw["suffixes"], key=len, reverse=True)),
        known_abbreviations=frozenset(raw["known_abbreviations"]),
    )


@cache
def thresholds() -> dict:
    with open(DATA / "rules.toml", "rb") as handle:
        return tomllib.load(handle)
