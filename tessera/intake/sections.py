"""What intake adds to the portal's pages (see ``tessera.core.contributions``): the menu
entry for the intake queue."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tessera.core import access


def staff_nav(user) -> list:
    if access.has_intake_queue(user):
        return [(reverse("intake_queue"), _("Intake queue"))]
    return []
