"""What notifications add to the portal's pages (see ``tessera.core.contributions``): the
menu entry for the notifications that could not be sent, for the staff on call."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tessera.core import access


def staff_nav(user) -> list:
    if access.sees_failed_notifications_link(user):
        return [(reverse("failed_notifications"), _("Notifications that could not be sent"))]
    return []
