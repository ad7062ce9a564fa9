"""Feedback templates, the feedback check and training patients."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "tessera.feedback"
    label = "feedback"
    verbose_name = _("Written feedback")
