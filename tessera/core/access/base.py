"""The user's roles, read once per request, and the first rule of all: staff see no
patient data until they have a second factor.

Every other module of the access policy builds on these. Role sets that decide access
are named here or in the module of the feature they belong to, never in the apps.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, Q
from django.db.models.lookups import In

from tessera.core.roles import CLINIC_WIDE_ROLES, CLINICAL_ROLES, Role

__all__ = [
    "CLINIC_WIDE_ROLES",
    "CLINICAL_ROLES",
    "all_roles",
    "clinic_ids_with_roles",
    "clinical_clinic_ids",
    "has_clinical_role",
    "in_subquery",
    "may_see_patient_data",
    "on_call_clinic_ids",
    "region_role_ids",
    "role_clinic_zones",
    "roles_at",
    "supervising_clinic_ids",
]


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _role_cache(user) -> list[tuple[int, str, bool]]:
    """(clinic id, role, on call) for each of the user's roles: one query per request
    (with each clinic's time zone, ``role_clinic_zones``)."""
    cached = getattr(user, "_tessera_roles", None)
    if cached is None:
        rows = list(
            user.clinic_roles.values_list("clinic_id", "role", "on_call", "clinic__time_zone")
        )
        cached = [row[:3] for row in rows]
        user._tessera_roles = cached
        user._tessera_role_zones = {row[0]: row[3] for row in rows}
    return cached


def role_clinic_zones(user) -> dict[int, str]:
    """The time zone of each clinic where the user holds a role, by id (no query: read
    with the roles, or kept with the signed-in person's role clinics, ``core.identity``):
    each clinic's own date where a reader sees several (decisions 0049, 0109)."""
    if not _active(user):
        return {}
    _role_cache(user)
    zones = getattr(user, "_tessera_role_zones", None)
    if zones is None:  # the roles kept with the person: their clinics' rows too
        rows = getattr(user, "_tessera_clinic_rows", None) or {}
        zones = {pk: fields["time_zone"] for pk, fields in rows.items()}
        user._tessera_role_zones = zones
    return zones


def region_role_ids(user) -> set[int]:
    """The regions the user administers (their region roles): one query per request,
    however many pages of the access policy ask (the menu, the staff home, reports)."""
    if not _active(user):
        return set()
    cached = getattr(user, "_tessera_regions", None)
    if cached is None:
        cached = set(user.region_roles.values_list("region_id", flat=True))
        user._tessera_regions = cached
    return cached


def clinic_ids_with_roles(user, roles: Iterable[str]) -> set[int]:
    if not _active(user):
        return set()
    roles = list(roles)
    cache = _role_cache(user)
    return {clinic for clinic, role, _on_call in cache if role in roles}


def staff_clinic_ids(user) -> set[int]:
    """Clinics where the user holds any role (no query: the roles are cached). Every
    episode of a staff member's scope is at one of them (each arm of the scope names
    its clinics), so a read of their episodes' rows may go by these clinics' ranges."""
    if not _active(user):
        return set()
    return {clinic for clinic, _role, _on in _role_cache(user)}


def roles_at(user, clinic_id: int) -> list[str]:
    if not _active(user):
        return []
    return sorted(role for clinic, role, _on in _role_cache(user) if clinic == clinic_id)


def all_roles(user) -> set[str]:
    if not _active(user):
        return set()
    return {role for _clinic, role, _on in _role_cache(user)}


def on_call_clinic_ids(user) -> set[int]:
    """Clinics where the user is on call for risk alerts."""
    if not _active(user):
        return set()
    return {clinic for clinic, _role, on_call in _role_cache(user) if on_call}


def may_see_patient_data(user) -> bool:
    """Staff need a second factor before any patient data is shown to them."""
    if not _active(user):
        return False
    if user.is_staff_member:
        return user.has_second_factor
    return True


def clinical_clinic_ids(user) -> set[int]:
    """Clinics where the user holds a clinical role (therapist or a clinic-wide one)."""
    return clinic_ids_with_roles(user, CLINICAL_ROLES)


def supervising_clinic_ids(user) -> set[int]:
    """Clinics where the user is a supervisor."""
    return clinic_ids_with_roles(user, [Role.SUPERVISOR])


def has_clinical_role(user) -> bool:
    """Whether the user holds a clinical role anywhere (no query: roles are cached)."""
    return bool(all_roles(user) & CLINICAL_ROLES)


class _InArray(In):
    """``column IN (subquery)``, written ``column = ANY(ARRAY(subquery))`` on PostgreSQL.

    The two mean the same, but the planner treats them differently inside an OR: an
    ``IN (subquery)`` arm is a hashed subplan tested row by row, so a scope such as
    "the clinic's episodes OR the ones with an open alert" scans the whole table, while
    ``= ANY(ARRAY(...))`` is run once (an InitPlan) and looked up in the primary key, so
    every arm of the OR uses an index (a BitmapOr) and the scope reads only its rows."""

    def as_postgresql(self, compiler, connection):
        if not hasattr(self.rhs, "as_sql"):
            return self.as_sql(compiler, connection)
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs_sql} = ANY(ARRAY{rhs_sql})", (*lhs_params, *rhs_params)


def in_subquery(field: str, queryset) -> Q:
    """A Q: ``field`` is one of the values of the one-column ``queryset`` (a subquery,
    run once by the database, no query here). Use it for the arms of a scope that are
    OR-ed together (see ``_InArray``); a plain ``field__in=`` elsewhere."""
    return Q(_InArray(F(field), queryset.order_by()))


def plain_in(q: Q) -> Q:
    """The same condition with every ``in_subquery`` written as a plain ``IN
    (subquery)``: for an arm of a scope read on its own (a part of a UNION, not of an
    OR), where the planner then joins from the subquery's few rows (a live consultation
    grant) to the primary key, instead of guessing ten ids in an array and weighing
    them against the arm's other conditions (decision 0080)."""
    copy = Q()
    copy.connector, copy.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            copy.children.append(plain_in(child))
        elif isinstance(child, _InArray):
            copy.children.append(In(child.lhs, child.rhs))
        else:
            copy.children.append(child)
    return copy


def through(q: Q, path: str) -> Q:
    """The same condition seen from a model that points at its subject by ``path`` (a
    foreign key, "episode"): every field of ``q`` prefixed with ``path__``. Used to test
    an episode scope on the episode the query already joins, instead of a second copy of
    the episode table in ``episode__in=(subquery)`` (issue 16). A part it cannot prefix
    is refused, so that no part of a scope is ever tested on the wrong table."""
    copy = Q()
    copy.connector, copy.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            copy.children.append(through(child, path))
        elif isinstance(child, tuple):
            copy.children.append((f"{path}__{child[0]}", child[1]))
        elif isinstance(child, _InArray) and isinstance(child.lhs, F):
            copy.children.append(_InArray(F(f"{path}__{child.lhs.name}"), child.rhs))
        else:
            raise TypeError(f"cannot test {child!r} through {path}")
    return copy
