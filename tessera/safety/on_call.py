"""The on-call scope: staff on call for risk alerts at a clinic see that clinic's episodes
with an unresolved risk alert, so that someone can act when there is no therapist
(unguided care) or the therapist is away. The access ends when the alert is resolved.
Listed in ``tessera.core.access.scopes.EXTRA_EPISODE_SCOPES`` (as the user's own scope)."""

from __future__ import annotations

from django.db.models import Q

from tessera.core import access


def open_alert_episodes(user) -> Q:
    """A Q over Episode; no query of its own (the alerts are a subquery)."""
    from .models import RiskAlert

    clinic_ids = access.on_call_clinic_ids(user)
    if not clinic_ids:
        return Q(pk__in=[])
    alerts = RiskAlert.objects.filter(resolved_at__isnull=True, episode__clinic_id__in=clinic_ids)
    return access.in_subquery("pk", alerts.values("episode_id"))
