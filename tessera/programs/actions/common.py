"""What the library's actions share: the fields, the audit row, checks on names and
languages, and the error for changing a published version.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tessera.core import audit

from ..content_rules import (
    LANGUAGES,
)
from ..content_rules import (
    step_problems as step_problems,  # re-exported for views and the importer
)

MODULE_FIELDS = ("title", "summary", "language", "estimated_minutes")
STEP_FIELDS = ("title", "body", "media", "media_alt", "transcript", "fields")
PROGRAMME_FIELDS = (
    "title",
    "problem_area",
    "languages",
    "care_model",
    "unlock_rule",
    "weeks",
    "eligibility",
    "default_measures",
    "primary_measure",
    "description_patient",
    "description_professional",
    "evidence",
)
# Long texts: the audit row names them when they change but does not copy them.
_LONG_FIELDS = {
    "summary",
    "body",
    "transcript",
    "fields",
    "description_patient",
    "description_professional",
    "evidence",
}
_NOT_FROM_FORMS = ["created_by", "published_by", "published_at"]


class PublishedVersionError(Exception):
    """A published version is immutable; start a new draft to change it."""

    def __init__(self, version):
        super().__init__(
            f"{type(version).__name__} {version.pk} (v{version.number}) is published and "
            "cannot be changed; start a new draft to change it."
        )
        self.version = version


def _describe(before: dict, after: dict) -> dict:
    changed = audit.changed_fields(before, after)
    return {k: ("changed" if k in _LONG_FIELDS else v) for k, v in changed.items()}


def _snapshot(obj, names) -> dict:
    return {name: _plain(getattr(obj, name)) for name in names}


def _plain(value):
    return value.pk if hasattr(value, "pk") else value


def _check_names(fields: dict, allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValidationError({"language": _("Choose one of the supported languages.")})
