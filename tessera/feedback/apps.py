"""Feedback templates, the feedback check and training patients."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def staff_nav(user) -> list:
    """Menu entries from the cached roles only (no query)."""
    from django.urls import reverse

    from tessera.core import access

    entries = []
    if access.may_use_feedback_templates(user):
        entries.append((reverse("feedback_templates"), _("Feedback templates")))
    if access.practice_clinic_ids(user):
        entries.append((reverse("feedback_practice"), _("Practice")))
    return entries


class FeedbackConfig(AppConfig):
    name = "tessera.feedback"
    label = "feedback"
    verbose_name = _("Written feedback")

    def ready(self) -> None:
        from tessera.core.context_processors import STAFF_NAV

        if staff_nav not in STAFF_NAV:
            STAFF_NAV.append(staff_nav)
