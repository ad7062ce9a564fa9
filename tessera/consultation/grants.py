"""The consultation grant: while a request to a colleague is open and not expired, that
colleague may see that one episode. Registered in ``access.extra_episode_scopes``.

The grant is a condition on the clock (``expires_at > now``), evaluated at every request,
so it ends by itself; no job has to revoke it.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from tessera.core import access
from tessera.core.models import AuditEvent
from tessera.core.roles import CLINICAL_ROLES

from .models import ConsultationRequest


def consultation_scope(user) -> Q:
    """Episodes the user may see because a colleague's request to them is live. No query
    of its own: the grants are a subquery of the caller's query. The user must still hold a
    clinical role at the episode's clinic."""
    clinics = access.clinic_ids_with_roles(user, CLINICAL_ROLES)
    if not clinics:
        return Q(pk__in=[])
    live = ConsultationRequest.objects.live(timezone.now()).filter(colleague=user)
    return Q(pk__in=live.values("episode_id"), clinic_id__in=clinics)


consultation_scope.audit_purpose = AuditEvent.Purpose.CONSULTATION


def register() -> None:
    if consultation_scope not in access.extra_episode_scopes:
        access.extra_episode_scopes.append(consultation_scope)
