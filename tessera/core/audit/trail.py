"""Writing and verifying the audit trail.

record() is the only way rows are written. There is one chain per clinic (and a shared
one for events with no clinic, which also holds every row written before the chains
were split): record() locks the head of the event's chain only, so that every row links
to exactly one predecessor in its chain even with several app servers writing at once,
while writes at different clinics never wait for each other (decision 0016). It
accepts only the codes registered in ``events.Event``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from tessera.core import access, context
from tessera.core.models import AuditChainHead, AuditEvent
from tessera.core.models.audit import chain_key

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
    chain = chain_key(clinic.pk if clinic is not None else None)
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
        chain=chain,
    )
    if connection.vendor == "postgresql":
        _append_linked(event)
        return event
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update(no_key=True).get_or_create(
            chain=chain, defaults={"last_hash": GENESIS}
        )
        event.prev_hash = head.last_hash
        event.hash = event.compute_hash()
        event.save()
        AuditChainHead.objects.filter(pk=head.pk).update(
            last_hash=event.hash, last_event_id=event.pk
        )
    return event


# The columns record() sends as values (prev_hash and hash come from the head).
_LINKED_FIELDS = [
    f
    for f in AuditEvent._meta.concrete_fields
    if not f.primary_key and f.name not in ("prev_hash", "hash")
]
_APPEND_SQL: str | None = None


def _append_sql() -> str:
    """The one statement that appends an event on PostgreSQL: lock the chain's head,
    insert the row linked to it with its hash, move the head to it (decision 0054)."""
    global _APPEND_SQL
    if _APPEND_SQL is None:
        quote = connection.ops.quote_name
        names = [quote(f.column) for f in _LINKED_FIELDS]
        values = []
        for f in _LINKED_FIELDS:
            kind = f.get_internal_type()
            cast = {"JSONField": "jsonb", "GenericIPAddressField": "inet"}.get(
                kind, f.db_type(connection)
            )
            values.append(f"%s::{cast}")
        events = quote(AuditEvent._meta.db_table)
        heads = quote(AuditChainHead._meta.db_table)
        # The hash is SHA-256 of the previous hash's text followed by the payload's
        # bytes, as AuditEvent.compute_hash(); the payload is built beforehand, outside
        # the lock, so only the digest of a few hundred bytes is computed while it is
        # held. Names from the models, values as parameters.
        template = (
            "WITH head AS (SELECT id, last_hash FROM {heads} WHERE chain = %s FOR UPDATE), "
            "new AS (INSERT INTO {events} ({names}, prev_hash, hash) "
            "SELECT {values}, head.last_hash, "
            "encode(sha256(convert_to(head.last_hash, 'UTF8') || %s::bytea), 'hex') "
            "FROM head RETURNING id, prev_hash, hash) "
            "UPDATE {heads} AS h SET last_hash = new.hash, last_event_id = new.id "
            "FROM head, new WHERE h.id = head.id RETURNING new.id, new.prev_hash, new.hash"
        )
        _APPEND_SQL = template.format(  # noqa: S608 - names from the models
            heads=heads, events=events, names=", ".join(names), values=", ".join(values)
        )
    return _APPEND_SQL


def _append_linked(event: AuditEvent) -> None:
    """Insert the event into its chain on PostgreSQL in one statement, one round trip.

    The chain's head is locked by the statement itself, after everything else of the
    event (its values, the payload's bytes) is ready: outside a transaction the lock is
    held only while the database runs the statement and commits it, with no round trip
    to Python in between (before: lock, insert, update head, commit, four round trips,
    with the writer's process descheduled in between on a busy machine). Inside an
    action's transaction it is held, as before, until that transaction ends. A chain
    with no head yet gets one (from the genesis hash) and the statement runs again."""
    params = [event.chain]
    for f in _LINKED_FIELDS:
        value = getattr(event, f.attname)
        if f.get_internal_type() == "JSONField":
            value = json.dumps(value)
        elif f.get_internal_type() == "GenericIPAddressField":
            value = value or None
        params.append(value)
    params.append(event.payload())
    with connection.cursor() as cursor:
        cursor.execute(_append_sql(), params)
        row = cursor.fetchone()
        if row is None:
            heads = connection.ops.quote_name(AuditChainHead._meta.db_table)
            cursor.execute(
                f"INSERT INTO {heads} (chain, last_hash) VALUES (%s, %s) "  # noqa: S608
                "ON CONFLICT (chain) DO NOTHING",
                [event.chain, GENESIS],
            )
            cursor.execute(_append_sql(), params)
            row = cursor.fetchone()
    event.pk, event.prev_hash, event.hash = row
    event._state.adding = False
    event._state.db = connection.alias


def record_many(
    action: str, items: list[dict], *, actor_role: str = "", actor=None
) -> list[AuditEvent]:
    """Append one event per item (``patient``, ``clinic``, ``obj``, ``changes``, as for
    ``record``) of the same action, chained exactly as one ``record`` call each would be,
    but in one transaction: each chain's head is locked once (in chain order, so two
    writers never wait on each other in a circle) and the rows are inserted in one
    statement per chain. For writers of many events at once (the Bulk Data export writes
    one per patient), where a round trip and a head update per event would cost more
    than the event itself. The actor defaults to the current request's, as for
    ``record``."""
    if not items:
        return []
    registered = registered_event(action)
    action = registered.value
    ctx = context.current()
    if actor is None and ctx.user is not None and ctx.user.is_authenticated:
        actor = ctx.user
    by_chain: dict[int, list[dict]] = {}
    for item in items:
        clinic = item.get("clinic")
        by_chain.setdefault(chain_key(clinic.pk if clinic is not None else None), []).append(item)
    written: list[AuditEvent] = []
    with transaction.atomic():
        for chain in sorted(by_chain):
            head, _ = AuditChainHead.objects.select_for_update(no_key=True).get_or_create(
                chain=chain, defaults={"last_hash": GENESIS}
            )
            prev = head.last_hash
            events = []
            for item in by_chain[chain]:
                obj = item.get("obj")
                event = AuditEvent(
                    at=timezone.now(),
                    actor=actor,
                    actor_role=actor_role,
                    clinic=item.get("clinic"),
                    patient=item.get("patient"),
                    action=action,
                    object_type=type(obj).__name__ if obj is not None else "",
                    object_id=str(obj.pk) if obj is not None else "",
                    purpose=item.get("purpose") or registered.purpose,
                    ip_address=ctx.ip_address,
                    request_id=ctx.request_id,
                    changes=item.get("changes") or {},
                    prev_hash=prev,
                    chain=chain,
                )
                event.hash = prev = event.compute_hash()
                events.append(event)
            # One INSERT: the ids follow the list's order, the chain's order.
            _insert_in_order(events)
            AuditChainHead.objects.filter(pk=head.pk).update(
                last_hash=prev, last_event_id=events[-1].pk
            )
            written.extend(events)
    return written


def _insert_in_order(events: list[AuditEvent]) -> None:
    """Insert the events in one statement, their ids rising in the list's order.

    On PostgreSQL the rows go as one array per column (``INSERT ... SELECT FROM
    unnest(...) WITH ORDINALITY ORDER BY``): a short statement whatever the count,
    where bulk_create's VALUES list of 15 placeholders per row was built by Django and
    parsed by the driver again for every batch (a third of the Bulk Data export's audit
    cost, decision 0047). The ids drawn are handed out in ascending order along the list,
    as bulk_create's are. Elsewhere: bulk_create."""
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_create(events)
        return
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    names = [connection.ops.quote_name(f.column) for f in fields]
    arrays, casts = [], []
    for f in fields:
        values = [getattr(event, f.attname) for event in events]
        kind = f.get_internal_type()
        if kind == "JSONField":
            values = [json.dumps(value) for value in values]
            casts.append("%s::text[]::jsonb[]")
        elif kind == "GenericIPAddressField":
            values = [value or None for value in values]
            casts.append("%s::text[]::inet[]")
        else:
            casts.append(f"%s::{f.db_type(connection)}[]")
        arrays.append(values)
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    # Names from the model, values as parameters.
    sql = "INSERT INTO {} ({}) SELECT {} FROM unnest({}) WITH ORDINALITY AS row_({}, position_) ORDER BY position_ RETURNING id".format(  # noqa: S608, E501
        table, ", ".join(names), ", ".join(names), ", ".join(casts), ", ".join(names)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)
        ids = sorted(row[0] for row in cursor.fetchall())
    for event, pk in zip(events, ids, strict=True):
        event.pk = pk
        event._state.adding = False
        event._state.db = connection.alias


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
    chain: int = 0  # the chain's key: the clinic's id, 0 for the shared chain


@dataclass
class ChainCheck:
    """One chain, verified: its rows, how many of them do not hold, and the first."""

    chain: int
    rows: int = 0
    breaks: int = 0
    first: Break | None = None


def _chain_keys() -> list[int]:
    chains = set(AuditChainHead.objects.values_list("chain", flat=True))
    chains |= set(AuditEvent.objects.order_by().values_list("chain", flat=True).distinct())
    return sorted(chains)


def verify_chain(batch_size: int = 2000) -> Iterator[Break]:
    """Yield every row whose hash or link does not hold, chain by chain, then all of
    them oldest first (by event id)."""
    breaks: list[Break] = []
    for chain in _chain_keys():
        breaks.extend(_verify_one_chain(ChainCheck(chain), batch_size))
    yield from sorted(breaks, key=lambda b: b.event_id)


def check_chains(batch_size: int = 2000) -> Iterator[ChainCheck]:
    """Every chain verified end to end, one after the other (by key): its rows counted,
    its breaks counted and the first kept, not all of them (a tampered database may
    hold millions)."""
    for chain in _chain_keys():
        check = ChainCheck(chain)
        for found in _verify_one_chain(check, batch_size):
            check.breaks += 1
            if check.first is None:
                check.first = found
        yield check


def _verify_one_chain(check: ChainCheck, batch_size: int) -> Iterator[Break]:
    chain = check.chain
    expected_prev = GENESIS
    last_id = 0
    rows = AuditEvent.objects.filter(chain=chain)
    while True:
        batch = list(rows.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.prev_hash != expected_prev:
                yield Break(event.id, "it does not link to the row before it", chain)
            elif event.compute_hash() != event.hash:
                yield Break(event.id, "its contents do not match its hash", chain)
            expected_prev = event.hash
            last_id = event.id
        check.rows += len(batch)
    head = AuditChainHead.objects.filter(chain=chain).first()
    if head and head.last_hash != expected_prev:
        if last_id:
            reason = (
                f"the rows after it are missing (the chain's head is event {head.last_event_id})"
            )
        else:
            reason = "every row of its chain is missing"
        yield Break(last_id or head.last_event_id or 0, reason, chain)
    elif head is None and expected_prev != GENESIS:
        yield Break(last_id, "its chain has no head", chain)


def newest_event() -> AuditEvent | None:
    """The newest row of the whole trail: its hash, kept outside the database at a
    backup, shows later whether a restored database lost newer events."""
    return AuditEvent.objects.order_by("-id").first()


def chain_heads() -> dict[str, dict]:
    """Every chain's newest hash and event id, by chain (a clinic's id, or 0 for the
    shared chain): recorded at a backup and kept outside the database, they show later
    whether a restored database lost newer events of any one clinic, which the newest
    row of the whole trail alone would not (``missing_heads``)."""
    return {
        str(head.chain): {"hash": head.last_hash, "event_id": head.last_event_id}
        for head in AuditChainHead.objects.order_by("chain")
    }


def missing_heads(expected: dict[str, dict]) -> list[str]:
    """The chains (as keys of ``expected``, from ``chain_heads``) whose recorded head is
    not a row of that chain in this database: events after it were lost."""
    hashes = {head["hash"] for head in expected.values() if head.get("hash")}
    found = set(AuditEvent.objects.filter(hash__in=hashes).values_list("chain", "hash").iterator())
    return [
        chain
        for chain, head in expected.items()
        if head.get("hash") and (int(chain), head["hash"]) not in found
    ]


def changed_fields(before: dict, after: dict) -> dict:
    """Old and new values of the fields that changed, for an audit row."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}
