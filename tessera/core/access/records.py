"""Taking an episode's record out of Tessera (FHIR document, PDF summary).

In words:
- A patient may download their own episodes (their right to data portability), and
  nobody else's.
- Staff may download an episode their own roles show them (the responsible therapist,
  clinic-wide roles at its clinic, staff on call for an episode with an open alert).
  A colleague who only reads the case through a consultation grant may not: a
  consultation is for advice, not for taking the record elsewhere.
- Staff without a second factor see no patient data, so download nothing.
- A record system registered for the FHIR API (SMART Backend Services) reads the
  episodes of its one clinic or its one region, never a training patient's; its scopes
  (checked by ``tessera.fhir.smart``) then say which kinds of resource.
"""

from __future__ import annotations

from django.db.models import Q

from .base import may_see_patient_data
from .patients import episode_in_own_scope


def may_export_episode(user, episode) -> bool:
    if not may_see_patient_data(user):
        return False
    if episode.patient.user_id is not None and episode.patient.user_id == user.pk:
        return True
    return user.is_staff_member and episode_in_own_scope(user, episode)


def system_client_clinic_scope(client) -> Q | None:
    """A Q over Episode for the clinics a record system registered for the FHIR API
    reads (its one clinic, or every clinic in its one region); None when it reads
    nothing (revoked, or bound to neither)."""
    if client.revoked_at is not None:
        return None
    if client.clinic_id is not None:
        return Q(clinic_id=client.clinic_id)
    if client.region_id is not None:
        return Q(clinic__region_id=client.region_id)
    return None


def system_client_episode_scope(client) -> Q:
    """A Q over Episode for what a record system registered for the FHIR API may read:
    the episodes of its one clinic, or of every clinic in its one region; never a
    training patient's; nothing once the client is revoked."""
    where = system_client_clinic_scope(client)
    if where is None:
        return Q(pk__in=[])
    return where & Q(patient__is_training=False)


def system_client_patient_scope(client, episodes: Q | None = None) -> Q:
    """The same over Patient: the patients with at least one episode the client may
    read (further narrowed by ``episodes``, a Q over Episode), never a training
    patient. The Bulk Data export walks patients in key order with it, so that a batch
    reads an index range of patients and not every patient before it."""
    from django.db.models import Exists, OuterRef

    from tessera.core.models import Episode

    where = system_client_clinic_scope(client)
    if where is None:
        return Q(pk__in=[])
    if episodes is not None:
        where &= episodes
    return Q(is_training=False) & Q(
        Exists(Episode.objects.filter(where, patient_id=OuterRef("pk")))
    )
