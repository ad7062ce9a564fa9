from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .scope import has_inbox


def entries(user) -> list:
    """The "Inbox" menu entry for therapists, supervisors and managers (no query)."""
    if has_inbox(user):
        return [(reverse("inbox"), _("Inbox"))]
    return []
