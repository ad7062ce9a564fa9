"""Placeholders in feedback templates: {name}, {module} and {quote}."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PLACEHOLDERS = ("name", "module", "quote")
TOKEN = re.compile(r"\{([^{}]*)\}")


def check_placeholders(body: str) -> None:
    """Raise a ValidationError naming any placeholder other than the three known ones,
    and any brace without its partner."""
    unknown = sorted({m.group(1) for m in TOKEN.finditer(body) if m.group(1) not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            _("Unknown placeholder: %(unknown)s. You can use {name}, {module} and {quote}."),
            params={"unknown": ", ".join("{" + name + "}" for name in unknown)},
            code="unknown_placeholder",
        )
    if "{" in TOKEN.sub("", body) or "}" in TOKEN.sub("", body):
        raise ValidationError(
            _("A brace is not closed. Write placeholders as {name}, {module} or {quote}."),
            code="unbalanced_brace",
        )


def fill(body: str, values: dict[str, str]) -> str:
    """The body with each known placeholder replaced (plain substitution, never format())."""
    return TOKEN.sub(lambda m: values.get(m.group(1), m.group(0)), body)
