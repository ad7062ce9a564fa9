"""Automated messages for unguided care, reminders, and asking for help."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AutomationConfig(AppConfig):
    name = "tessera.automation"
    label = "automation"
    verbose_name = _("Automation")

    def ready(self) -> None:
        from . import (
            receivers,  # noqa: F401  (tells of booked sessions, issue 20)
            still_wanted,  # noqa: F401  (withdraws what has ended, decision 0105)
        )
