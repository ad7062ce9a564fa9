"""Secure messages between a patient and their care team, per episode."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "tessera.messaging"
    label = "messaging"
    verbose_name = _("Messages")

    def ready(self) -> None:
        from tessera.core.context_processors import PATIENT_NAV
        from tessera.treatment import overview

        from . import hooks

        if hooks.patient_nav not in PATIENT_NAV:
            PATIENT_NAV.append(hooks.patient_nav)
        overview.register(
            overview.Section(
                key="messages",
                title=_("Messages"),
                template="messaging/overview_section.html",
                order=40,
                load=hooks.overview_messages,
            )
        )
