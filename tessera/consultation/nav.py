"""Menu entries (no queries: roles come from the per-request cache)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tessera.core import access
from tessera.core.roles import CLINICAL_ROLES, Role


def staff_nav(user) -> list:
    roles = access.all_roles(user)
    entries = []
    if roles & CLINICAL_ROLES:
        entries.append((reverse("consultation_list"), _("Consultations")))
    if Role.SUPERVISOR in roles:
        entries.append((reverse("supervision_list"), _("Supervision")))
    return entries
