"""What safety adds to the portal's pages (see ``tessera.core.contributions``): the menu
entry for the risk alert list."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tessera.core import access


def staff_nav(user) -> list:
    """Everyone with a clinical role, or on call, has the alert list."""
    if access.has_clinical_role(user) or access.on_call_clinic_ids(user):
        return [(reverse("risk_alerts"), _("Risk alerts"))]
    return []
