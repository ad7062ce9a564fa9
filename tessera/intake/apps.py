"""Applications, referrals, screening, triage, assessment and the waiting list."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _staff_nav(user) -> list:
    from django.urls import reverse

    from tessera.core import access

    if access.has_intake_queue(user):
        return [(reverse("intake_queue"), _("Intake queue"))]
    return []


class IntakeConfig(AppConfig):
    name = "tessera.intake"
    label = "intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        from tessera.core.context_processors import STAFF_NAV

        if _staff_nav not in STAFF_NAV:
            STAFF_NAV.append(_staff_nav)
