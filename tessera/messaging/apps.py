"""Secure messages between a patient and their care team, per episode."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "tessera.messaging"
    label = "messaging"
    verbose_name = _("Messages")
