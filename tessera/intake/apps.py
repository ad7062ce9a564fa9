"""Applications, referrals, screening, triage, assessment and the waiting list."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "tessera.intake"
    label = "intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        from . import notify, receivers  # noqa: F401  (allauth signals: getting in, issue 14;
        # the texts of the intake mail the outbox sends: notify.py)
