"""A burst of security events at a clinic (failed sign-ins and codes, lockouts, refused
pages, FHIR token failures) tells its managers, who are its security contacts, by
e-mail: at most once per clinic per window, with nothing but a link to the security
events page (docs/security.md, "What is audited")."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse

from tessera.core import access
from tessera.core.models import AuditEvent
from tessera.notifications.delivery import notify

WINDOW = dt.timedelta(minutes=15)


def threshold() -> int:
    return settings.TESSERA_SECURITY_BURST


def alert_security_bursts(now: dt.datetime) -> int:
    """Tell the managers of each clinic with a burst in the current window; returns how
    many notifications were written (none again for the same clinic and window)."""
    window_start = dt.datetime.fromtimestamp(
        now.timestamp() // WINDOW.total_seconds() * WINDOW.total_seconds(), tz=dt.UTC
    )
    counts = AuditEvent.objects.security_counts_by_clinic(now - WINDOW)
    bursts = [clinic for clinic, count in counts.items() if count >= threshold()]
    if not bursts:
        return 0
    managers = access.security_contact_roles(bursts)
    written = 0
    for role in managers:
        key = f"security-burst:{role.clinic_id}:{window_start:%Y%m%dT%H%M}:{role.user_id}"
        written += len(
            notify(role.user, "security_burst", key=key, link=reverse("security_events"))
        )
    return written
