"""Reads of the episodes a user may see, their SQL compiled once per shape of the access
scope (decision 0078, with ``core.prepared`` of decision 0044).

``Episode.objects.visible_to(user)`` builds the access scope from Q objects on every
request: the user's roles' clinics, their caseload, the clinics they are on call for
(episodes with an open risk alert) and their live consultation grants (until they
expire). Building and compiling it was a quarter of the inbox's CPU (issue 16), though
for the same person only the values change (ids, today, now).

``read(name, user, narrow, *values, flags=())`` gives the rows of
``narrow(Episode.objects.visible_to(user), *values, flags)`` (a ``values_list``): the
scope is written here again with placeholders (``_scope_q``) and compiled once per
*shape*: whether the user may see patient data, is staff, has a patient record, how
many clinics each arm names, and the read's own ``flags`` and list lengths. Every id,
date and moment is a parameter. The first time a shape is seen, the SQL and parameters
of the placeholders, filled in with this user's values, are compared with those of the
access policy's own queryset: if the policy's SQL is not exactly this one (a scope
added to ``access.EXTRA_EPISODE_SCOPES``, an arm written differently), that shape is
read through ``visible_to`` on every request, as before, and a warning is logged. Only
the moment of a consultation grant (``now``) is compared by type: the policy reads its
own clock.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from tessera.consultation.models import ConsultationRequest
from tessera.core import access
from tessera.core.models import Episode

# (``Prepared`` has no public way to give the SQL and parameters of a call: its own
# placeholders, ``_Hole``, are read here to compare them with the access policy's; the
# builder is called with ``slots_for``, as ``Prepared`` calls it.)
from tessera.core.prepared import Prepared, _Hole, slots_for
from tessera.safety.models import RiskAlert

log = logging.getLogger(__name__)

# The scope's values, in the order the compiled read takes them (before the read's own).
_SCOPE_VALUES = 7  # user id, clinic-wide, therapist at, on call, clinical, now, patient id
_NOW = 5  # the position of ``now`` among them


def _scope_q(
    staff: bool, patient: bool, user_id, wide, therapist_at, on_call, clinical, now, patient_id
):
    """``access.episode_scope(user)`` for a user who may see patient data, from its
    values (placeholders when compiled): built in the same order, so that it compiles to
    the same SQL (checked once per shape: ``_verified``)."""
    scope = Q(pk__in=[])
    if staff:
        own = Q(pk__in=[])
        if wide:
            own |= Q(clinic__id__in=wide)
        if therapist_at:
            own |= Q(clinic__id__in=therapist_at, therapist_id=user_id)
        # On call (``safety.on_call.open_alert_episodes``).
        if on_call:
            open_alert = RiskAlert.objects.filter(episode=OuterRef("pk"), resolved_at__isnull=True)
            alerted = Episode.objects.filter(clinic__id__in=on_call).filter(Exists(open_alert))
            own |= Q(clinic__id__in=on_call) & access.in_subquery("pk", alerted.values("pk"))
        else:
            own |= Q(pk__in=[])
        # Consultation (``consultation.grants.consultation_scope``).
        if clinical:
            live = ConsultationRequest.objects.live(now).filter(colleague_id=user_id)
            own |= access.in_subquery("pk", live.values("episode_id")) & Q(clinic__id__in=clinical)
        else:
            own |= Q(pk__in=[])
        scope |= own
    if patient:
        scope |= Q(patient_id=patient_id)
    return scope


def _scope_values(user, now: dt.datetime) -> tuple[tuple, list] | None:
    """(shape, values) of the user's scope; None when it holds nothing (no patient data)."""
    if not access.may_see_patient_data(user):
        return None
    staff = bool(user.is_staff_member)
    wide = therapist_at = on_call = clinical = []
    if staff:
        wide, therapist_at = map(list, access.own_scope_clinic_ids(user))
        on_call = list(access.on_call_clinic_ids(user))
        clinical = list(access.clinical_clinic_ids(user))
    record = user.patient_record
    shape = (staff, record is not None)
    values = [user.pk, wide, therapist_at, on_call, clinical, now, record.pk if record else 0]
    return shape, values


# The compiled reads by (name, scope shape, flags, list lengths): a ``Prepared``, or None
# where the policy's SQL differs (read through ``visible_to``).
_READS: dict[tuple, Prepared | None] = {}


def read(name: str, user, narrow: Callable[..., QuerySet], *values, flags=(), now=None) -> list:
    """``list(narrow(Episode.objects.visible_to(user), *values, flags))``, where
    ``narrow`` returns a ``values_list`` queryset and uses ``values`` only as filter values
    (ints, dates, datetimes or lists of them; never None) and ``flags`` (hashable) in its
    Python logic. ``name`` names ``narrow`` (one per function)."""
    now = now or timezone.now()
    scope = _scope_values(user, now)
    if scope is None:
        return []
    shape, scope_values = scope
    connection = connections[DEFAULT_DB_ALIAS]
    lengths = tuple(len(v) if isinstance(v, list | tuple) else -1 for v in (*scope_values, *values))
    key = (name, connection.vendor, shape, flags, lengths)
    if key not in _READS:
        _READS[key] = _compiled(name, user, narrow, shape, scope_values, values, flags)
    prepared = _READS[key]
    if prepared is None:
        return list(narrow(Episode.objects.visible_to(user), *values, flags))
    return prepared(*scope_values, *values)


def _build(narrow, shape, flags):
    staff, patient = shape

    def build(*slots):
        episodes = Episode.objects.filter(_scope_q(staff, patient, *slots[:_SCOPE_VALUES]))
        return narrow(episodes, *slots[_SCOPE_VALUES:], flags)

    return build


def _compiled(name, user, narrow, shape, scope_values, values, flags) -> Prepared | None:
    build = _build(narrow, shape, flags)
    if not _verified(build, user, narrow, scope_values, values, flags):
        log.warning("inbox.scoped: %s read through visible_to (the scope's SQL differs)", name)
        return None
    return Prepared(build)


def _verified(build, user, narrow, scope_values, values, flags) -> bool:
    """Whether the placeholders' SQL, filled in with this user's values, is the access
    policy's own: the same text and the same parameters (the moment by type only)."""
    connection = connections[DEFAULT_DB_ALIAS]
    flat = []
    for value in (*scope_values, *values):
        flat.extend(value if isinstance(value, list | tuple) else [value])
    now_index = sum(len(v) if isinstance(v, list) else 1 for v in scope_values[:_NOW])
    plain = narrow(Episode.objects.visible_to(user), *values, flags)
    mine = build(*slots_for([*scope_values, *values]))
    try:
        plain_sql, plain_params = plain.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:
        plain_sql, plain_params = None, ()
    try:
        sql, params = mine.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:
        sql, params = None, ()
    if _text(sql) != _text(plain_sql) or len(params) != len(plain_params):
        return False
    for param, expected in zip(params, plain_params, strict=True):
        if isinstance(param, _Hole):
            value = param.field.get_db_prep_value(flat[param.index], connection)
            if param.index == now_index:
                if type(value) is not type(expected):
                    return False
            elif value != expected:
                return False
        elif param != expected:
            return False
    return True


def _text(sql: str | None) -> str | None:
    """The SQL with a placeholder's own brackets left out: Django writes a value as
    ``%s`` and an expression (a placeholder) as ``(%s)``, which mean the same."""
    return None if sql is None else sql.replace("(%s)", "%s")
