"""Writing and verifying the audit trail.

record() is the only way rows are written. It locks the chain head so that every row
links to exactly one predecessor, even with several app servers writing at once. It
accepts only the codes registered in ``events.Event``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tessera.core import access, context
from tessera.core.models import AuditChainHead, AuditEvent

from .events import event as registered_event

GENESIS = "0" * 64


def record(
    action: str,
    *,
    actor=None,
    patient=None,
    clinic=None,
    obj=None,
    purpose: str | None = None,
    changes: dict | None = None,
    actor_role: str = "",
) -> AuditEvent:
    """Append one event. Actor, address and request id default to the current request;
    the purpose to the one the code implies. ValueError for a code not registered."""
    registered = registered_event(action)
    action = registered.value
    purpose = purpose or registered.purpose
    ctx = context.current()
    if actor is None and ctx.user is not None and ctx.user.is_authenticated:
        actor = ctx.user
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS}
        )
        event = AuditEvent(
            at=timezone.now(),
            actor=actor,
            actor_role=actor_role,
            clinic=clinic,
            patient=patient,
            action=action,
            object_type=type(obj).__name__ if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            purpose=purpose,
            ip_address=ctx.ip_address,
            request_id=ctx.request_id,
            changes=changes or {},
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save()
        AuditChainHead.objects.filter(pk=1).update(last_hash=event.hash, last_event_id=event.pk)
    return event


def record_for_episode(
    action: str,
    episode,
    *,
    actor=None,
    obj=None,
    purpose: str | None = None,
    changes: dict | None = None,
    actor_role: str | None = None,
) -> AuditEvent:
    """Append one event about an episode, or anything else with a ``clinic`` and a
    ``patient`` (an application): the clinic and patient come from it, the actor's role
    from their roles at that clinic, the purpose from the code unless given."""
    if actor_role is None:
        actor_role = access.actor_role_label(actor, episode.clinic_id) if actor else ""
    return record(
        action,
        actor=actor,
        patient=episode.patient,
        clinic=episode.clinic,
        obj=obj,
        purpose=purpose,
        changes=changes,
        actor_role=actor_role,
    )


def record_for_clinic(
    action: str,
    clinic,
    acting_user,
    obj=None,
    changes: dict | None = None,
    *,
    purpose: str | None = None,
) -> AuditEvent:
    """Append one event about a clinic's (or, with no clinic, the region's library's)
    settings: the actor's role comes from their roles at that clinic, the purpose from
    the code unless given."""
    clinic_id = clinic.pk if clinic is not None else None
    return record(
        action,
        actor=acting_user,
        clinic=clinic,
        obj=obj,
        purpose=purpose,
        changes=changes or {},
        actor_role=access.actor_role_label(acting_user, clinic_id) if acting_user else "",
    )


@dataclass(frozen=True)
class Break:
    event_id: int
    reason: str


def verify_chain(batch_size: int = 2000) -> Iterator[Break]:
    """Yield every row whose hash or link does not hold, oldest first."""
    expected_prev = GENESIS
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.prev_hash != expected_prev:
                yield Break(event.id, "it does not link to the row before it")
            elif event.compute_hash() != event.hash:
                yield Break(event.id, "its contents do not match its hash")
            expected_prev = event.hash
            last_id = event.id
    head = AuditChainHead.objects.filter(pk=1).first()
    if head and head.last_hash != expected_prev:
        yield Break(head.last_event_id or 0, "rows after it are missing")


def changed_fields(before: dict, after: dict) -> dict:
    """Old and new values of the fields that changed, for an audit row."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}
