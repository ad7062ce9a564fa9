"""What the research actions share: the access checks and the audit call."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from tessera.core import audit


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def study_event(code: str, study, *, acting_user, obj=None, changes=None):
    """A study-level event (no patient): filed under the study's first clinic."""
    clinic = study.clinics.order_by("pk").first()
    return audit.record(
        code, actor=acting_user, clinic=clinic, obj=obj or study, changes=changes or {}
    )


def participant_event(code: str, participant, *, acting_user, changes=None, actor_role=None):
    """An event about one participant: the patient and the episode's clinic."""
    return audit.record_for_episode(
        code,
        participant.episode,
        actor=acting_user,
        obj=participant,
        changes={"study": participant.study_id, **(changes or {})},
        actor_role=actor_role,
    )
