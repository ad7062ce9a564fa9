"""The "Workload" menu entry: therapists see their own, supervisors and managers their
clinic's. Uses the roles the access policy has cached for the request (no query)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tessera.core import access


def entries(user) -> list:
    if access.has_workload(user):
        return [(reverse("my_workload"), _("Workload"))]
    return []
