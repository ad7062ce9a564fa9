"""The consultation grant: while a request to a colleague is open and not expired, that
colleague may see that one episode. Listed in ``access.EXTRA_EPISODE_SCOPES``.

The grant is a condition on the clock (``expires_at > now``), evaluated at every request,
so it ends by itself; no job has to revoke it.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from tessera.core import access

from .models import ConsultationRequest


def consultation_scope(user) -> Q:
    """Episodes the user may see because a colleague's request to them is live. No query
    of its own: the grants are a subquery of the caller's query. The user must still hold a
    clinical role at the episode's clinic."""
    clinics = access.clinical_clinic_ids(user)
    if not clinics:
        return Q(pk__in=[])
    live = ConsultationRequest.objects.live(timezone.now()).filter(colleague=user)
    return access.in_subquery("pk", live.values("episode_id")) & Q(clinic_id__in=clinics)
