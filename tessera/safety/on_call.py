"""The on-call scope: staff on call for risk alerts at a clinic see that clinic's episodes
with an unresolved risk alert, so that someone can act when there is no therapist
(unguided care) or the therapist is away. The access ends when the alert is resolved.
Listed in ``tessera.core.access.scopes.EXTRA_EPISODE_SCOPES`` (as the user's own scope)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from tessera.core import access


def open_alert_episodes(user) -> Q:
    """A Q over Episode; no query of its own (the alerts are a subquery)."""
    from .models import RiskAlert

    clinic_ids = access.on_call_clinic_ids(user)
    if not clinic_ids:
        return Q(pk__in=[])
    # The episodes of the clinics on call that have an unresolved alert: the clinics' own
    # episode entries (by the index on clinic) against the open alerts' partial index
    # (safety 0006), never the alert table; the scope's arm is limited to those clinics
    # too. Before, every unresolved alert row of the country was read and joined to its
    # episode to find the few at these clinics (issue 16).
    from tessera.core.models import Episode  # as RiskAlert: models load after the scopes

    open_alert = RiskAlert.objects.filter(episode=OuterRef("pk"), resolved_at__isnull=True)
    episodes = Episode.objects.filter(clinic_id__in=clinic_ids).filter(Exists(open_alert))
    return Q(clinic_id__in=clinic_ids) & access.in_subquery("pk", episodes.values("pk"))
