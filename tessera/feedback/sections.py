"""What feedback adds to the portal's pages (see ``tessera.core.contributions``): the menu
entries for feedback templates and practice."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tessera.core import access


def staff_nav(user) -> list:
    """Menu entries from the cached roles only (no query)."""
    entries = []
    if access.may_use_feedback_templates(user):
        entries.append((reverse("feedback_templates"), _("Feedback templates")))
    if access.practice_clinic_ids(user):
        entries.append((reverse("feedback_practice"), _("Practice")))
    return entries
