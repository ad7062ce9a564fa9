"""Menu entries (no queries: roles come from the per-request cache)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tessera.core import access


def staff_nav(user) -> list:
    entries = []
    if access.has_consultations(user):
        entries.append((reverse("consultation_list"), _("Consultations")))
    if access.has_supervision(user):
        entries.append((reverse("supervision_list"), _("Supervision")))
    return entries
