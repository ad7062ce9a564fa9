"""The "Workload" menu entry: therapists see their own, supervisors and managers their
clinic's. Uses the roles the access policy has cached for the request (no query)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tessera.core import access
from tessera.core.roles import Role

ROLES = {Role.THERAPIST, Role.SUPERVISOR, Role.CLINIC_MANAGER}


def entries(user) -> list:
    if access.all_roles(user) & ROLES:
        return [(reverse("my_workload"), _("Workload"))]
    return []
