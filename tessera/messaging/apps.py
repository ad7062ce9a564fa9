"""Secure messages between a patient and their care team, per episode."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "tessera.messaging"
    label = "messaging"
    verbose_name = _("Messages")

    def ready(self) -> None:
        # Registers whether a held "a patient wrote" notice is still for its recipient
        # (and who is told instead), for the worker that sends it (decision 0105).
        from .actions import messages  # noqa: F401
