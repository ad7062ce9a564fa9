"""Patient records and episodes: who sees them, who changes them.

Scopes, in words:
- A patient sees their own record and episodes, nothing else.
- Staff see no patient data at all until they have a second factor.
- Intake coordinators, assessors, supervisors and clinic managers see the patients
  who have an episode at their clinic (CLINIC_WIDE_ROLES).
- A therapist sees the episodes they are responsible for (their caseload).
- Extra scopes (``scopes.EXTRA_EPISODE_SCOPES``) add more: staff on call see their
  clinic's episodes with an unresolved risk alert (counted as their own scope), and a
  colleague consulted on a case sees that one episode while the request is live (not
  their own scope). A read made only through such a grant is audited with the scope's
  ``audit_purpose`` ("consultation"): see ``read_purpose``.
- Content authors, researchers and region administrators see no identifiable patient
  data.

Views never filter patient data by hand: they call ``Patient.objects.visible_to(user)``
or ``Episode.objects.visible_to(user)``, which end up here.
"""

from __future__ import annotations

import datetime as dt

from django.db import connections
from django.db.models import F, Q, QuerySet
from django.db.models.lookups import In
from django.http import Http404

from tessera.core.id_lists import among_ids
from tessera.core.roles import CLINIC_WIDE_ROLES, Role

from . import scopes
from .base import (
    _active,
    all_roles,
    clinic_ids_with_roles,
    in_subquery,
    may_see_patient_data,
    plain_in,
    roles_at,
)


def own_episode_scope(user) -> Q:
    """A Q over Episode for what the user's own roles show them, without extra scopes
    that only grant a read (consultation); matches nothing when nothing."""
    scope = Q(pk__in=[])
    if not may_see_patient_data(user) or not user.is_staff_member:
        return scope
    clinic_wide, therapist_at = own_scope_clinic_ids(user)
    if clinic_wide:
        scope |= Q(clinic_id__in=clinic_wide)
    if therapist_at:
        scope |= Q(therapist=user, clinic_id__in=therapist_at)
    for extra in scopes.own_extra_scopes():
        scope |= extra(user)
    return scope


def own_scope_clinic_ids(user) -> tuple[set[int], set[int]]:
    """The clinics of ``own_episode_scope``'s role arms: (where the user holds a
    clinic-wide role, where they are a therapist). Also read by the inbox's compiled
    copy of the scope (``inbox.scoped``, decision 0078)."""
    return clinic_ids_with_roles(user, CLINIC_WIDE_ROLES), clinic_ids_with_roles(
        user, [Role.THERAPIST]
    )


def _staff_episode_scope(user) -> Q:
    """A staff member's own scope and the extra scopes that grant them a read."""
    scope = own_episode_scope(user)
    for _scope, extra in scopes.granted_extra_scopes():
        scope |= extra(user)
    return scope


def episode_scope(user) -> Q:
    """A Q over Episode for everything the user may see; matches nothing when nothing."""
    nothing = Q(pk__in=[])
    if not may_see_patient_data(user):
        return nothing
    scope = nothing
    if user.is_staff_member:
        scope |= _staff_episode_scope(user)
    patient = user.patient_record
    if patient is not None:
        scope |= Q(patient=patient)
    return scope


def episodes_visible_to(user, qs: QuerySet) -> QuerySet:
    """No DISTINCT: every scope is a condition on the episode's own columns or an
    ``IN (subquery)``, never a join, so no episode comes twice; DISTINCT would stop the
    database from joining the scope into the caller's query (``episode__in=``)."""
    return qs.filter(episode_scope(user))


def openable_episode_ids(user, episode_ids) -> set[int]:
    """Which of these episodes the user may open (their overview and the pages under it):
    for a list that names patients to readers who may not all open them, such as the
    staff page's patients needing a new therapist seen by a region administrator. One
    query, none for an empty list."""
    from tessera.core.models import Episode

    ids = list(episode_ids)
    if not ids:
        return set()
    return set(
        episodes_visible_to(user, Episode.objects.filter(pk__in=ids)).values_list("pk", flat=True)
    )


def own_episodes(user, qs: QuerySet) -> QuerySet:
    """A person's own episodes as a patient: what ``episodes_visible_to`` shows someone
    who is not staff, found by their user (``patient__user``) so that their patient
    record need not be read first (the patient home reads it with them, issue 16)."""
    if not _active(user):
        return qs.none()
    return qs.filter(patient__user=user)


def patients_visible_to(user, qs: QuerySet) -> QuerySet:
    """The patients with an episode in the user's scope, and a patient's own record.

    Staff get ``id IN (episodes in scope)`` alone, which PostgreSQL turns into a join
    from the scope's episodes (by their indexes); OR-ing it with the patient's own
    record, as ``episode_scope`` does, would make it scan every patient. A patient's own
    record is their own id, with or without an episode."""
    from tessera.core.models import Episode

    if not may_see_patient_data(user):
        return qs.none()
    visible = Q(pk__in=[])
    if user.is_staff_member:
        episodes = Episode.objects.filter(_staff_episode_scope(user))
        visible |= Q(pk__in=episodes.values("patient_id"))
    patient = user.patient_record
    if patient is not None:
        visible |= Q(pk=patient.pk)
    return qs.filter(visible)


def count_real_patients_visible_to(user) -> int:
    """How many patients ``Patient.objects.visible_to(user).real()`` holds, counted for
    staff from the episodes alone: the distinct patients of the episodes in scope, less
    the training ones. With the episode indexes that carry the patient
    (``episode_clinic_patient``, ``episode_therapist_patient``) that is an index-only
    scan of the scope's own entries, never a read of every patient row in it (issue 16).
    A staff member who is also a patient (their own record) is counted the plain way."""
    from tessera.core.models import Episode, Patient

    if not may_see_patient_data(user):
        return 0
    if not user.is_staff_member or user.patient_record is not None:
        return Patient.objects.visible_to(user).real().count()
    episodes = Episode.objects.filter(_staff_episode_scope(user)).real()
    return episodes.order_by().values("patient_id").distinct().count()


def _or_arms(scope: Q) -> list[Q]:
    """The arms of a scope OR-ed together (``a | b | c``), each as a Q of its own, to be
    read on its own (its ``in_subquery`` made a plain ``IN``: ``plain_in``); a scope
    that is not an OR is one arm. An arm that matches nothing (``pk__in=[]``, the start
    of every scope) is left out."""
    if scope.connector != Q.OR or scope.negated:
        return [_led_by_its_subquery(plain_in(scope))]
    arms = []
    for child in scope.children:
        if isinstance(child, tuple):
            if child[0] == "pk__in" and not child[1]:
                continue
            child = Q(child)
        arms.append(_led_by_its_subquery(plain_in(child)))
    return arms


def _led_by_its_subquery(arm: Q) -> Q:
    """An arm ``pk IN (subquery) AND <lists of ids on the episode's own columns>`` (a
    live consultation grant, at the user's clinical clinics) with those lists written to
    only filter (``among_ids``: no index matches them): the subquery's few rows are then
    the arm's only way in, and PostgreSQL joins from them to the primary key whatever it
    guesses of the clinic. Left as they were, it read the demo clinic's whole range of
    the covering index for a grant that did not exist (the clinic estimated at 4 of its
    355 episodes, at 100k patients; decision 0080). Any other arm as it is."""
    if arm.connector != Q.AND or arm.negated:
        return arm
    leads = [
        c
        for c in arm.children
        if isinstance(c, In)
        and isinstance(c.lhs, F)
        and c.lhs.name == "pk"
        and isinstance(c.rhs, QuerySet)
    ]
    if len(leads) != 1 or len(arm.children) < 2:
        return arm
    rest = []
    for child in arm.children:
        if child is leads[0]:
            continue
        if not (
            isinstance(child, tuple)
            and child[0].endswith("_id__in")
            and "__" not in child[0][: -len("__in")]
            and isinstance(child[1], set | frozenset | list | tuple)
        ):
            return arm  # anything else: as it was
        rest.append(among_ids(child[0][: -len("__in")], child[1]))
    return Q(leads[0], *rest)


def patient_search_q(query: str) -> Q:
    """A Q over Episode: the episodes of the patients a search's words name, as the
    patient list searches (a part of either name, or the whole identity number), on the
    episodes' copies of the names (core 0018, 0026), so that a scope's covering index
    (``episode_clinic_patient``, ``episode_therapist_patient``) answers it without a
    patient row. Empty words: every episode. The study's "Invite a patient" search
    uses it too (decision 0139); who may be found is the caller's scope, not this."""
    from tessera.core.models import Patient

    query = (query or "").strip()
    if not query:
        return Q()
    by_number = Patient.objects.filter(national_id=query).exclude(national_id="")
    return (
        Q(patient_first_name__icontains=query)
        | Q(patient_last_name__icontains=query)
        | in_subquery("patient_id", by_number.values("pk"))
    )


def real_patient_listing(user, query: str = "") -> QuerySet | None:
    """The patient list of a staff member, read from the scope's own episode entries:
    ``(last name, first name, patient id, date of birth)`` rows, one per real patient in
    scope, in the order of ``Patient.Meta.ordering`` (``count()`` counts them).

    The same patients as ``Patient.objects.visible_to(user).real()``, searched as the
    list searches (a part of either name, or the whole identity number). The names and
    the date of birth are the episodes' copies (kept by the database: core 0018, 0026),
    so sorting, searching and showing a page read the scope's episode entries alone,
    never a patient row (issue 16). Each arm of the scope (the clinics of a clinic-wide
    role, the caseload, a grant) is read on its own and the arms are joined by UNION:
    each is then one range of the covering index that leads with its own columns
    (``episode_clinic_patient``, ``episode_therapist_patient``), read from the index
    alone, where an OR of the arms is a bitmap that reads the episode rows (decision
    0080). None for a user whose scope includes their own patient record, or who sees
    no patient data: they take the plain way."""
    from tessera.core.models import Episode

    if not may_see_patient_data(user) or not user.is_staff_member:
        return None
    if user.patient_record is not None:
        return None
    columns = ("patient_last_name", "patient_first_name", "patient_id", "patient_date_of_birth")
    search = patient_search_q(query)
    parts = [
        Episode.objects.filter(arm).real().filter(search).order_by().values_list(*columns)
        for arm in _or_arms(_staff_episode_scope(user))
    ]
    if not parts:
        return Episode.objects.none().values_list(*columns)
    entries = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0].distinct()
    return entries.order_by(*columns[:3])


def real_patients_found(user, query: str, cap: int) -> int:
    """How many patients ``real_patient_listing(user, query)`` lists, counted no further
    than ``cap + 1`` (one query, by patient id alone): the patient list's count of a page
    asked for past the end of a search (its pages are read by ``read_listing_page``,
    decision 0165). For a user ``real_patient_listing`` lists."""
    from tessera.core.models import Episode

    search = patient_search_q(query)
    parts = [
        Episode.objects.filter(arm).real().filter(search).order_by().values_list("patient_id")
        for arm in _or_arms(_staff_episode_scope(user))
    ]
    if not parts:
        return 0
    if len(parts) > 1:
        found = parts[0].union(*parts[1:]).order_by("patient_id")
    else:
        found = parts[0].distinct().order_by("patient_id")
    return min(found[: cap + 1].count(), cap + 1)


def read_listing_page(entries, offset: int, limit: int, cap: int) -> tuple[list, int]:
    """The rows of ``real_patient_listing``'s sorted ``entries`` from ``offset`` (at
    most ``limit``), and how many it has, counted no further than ``cap + 1``: one query,
    a window's count over the capped list (as ``OneReadPaginator`` reads). A search that
    finds a share of the clinic read every match twice, for the count and for the page;
    its matches are now read once, sorted no further than the cap (decision 0165)."""
    sql, params = entries[: cap + 1].query.sql_with_params()
    with connections[entries.db].cursor() as cursor:
        cursor.execute(
            f"SELECT listed.*, COUNT(*) OVER () FROM ({sql}) listed "  # noqa: S608 (Django's SQL)
            "ORDER BY 1, 2, 3 LIMIT %s OFFSET %s",
            (*params, limit, offset),
        )
        rows = cursor.fetchall()
    count = min(rows[0][-1], cap + 1) if rows else 0
    return [(*row[:3], _as_date(row[3])) for row in rows], count


def _as_date(value):
    """A date as read by a raw query: SQLite gives its text."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def get_visible_patient(user, pk) -> object:
    """The patient with this id if the user may see them; 404 otherwise (never 403,
    so that the existence of a record is not revealed)."""
    from tessera.core.models import Patient

    patient = Patient.objects.visible_to(user).filter(pk=pk).first()
    if patient is None:
        raise Http404
    return patient


def read_purpose(user, patient, clinic_id: int | None = None, episode=None) -> str | None:
    """The audit purpose of a staff member's read of this patient when only an extra scope
    (a consultation grant) lets them see the patient: that scope's ``audit_purpose``.
    None when their own roles show them the patient (the caller's default applies).

    No query for a clinic-wide role at ``clinic_id``; otherwise one, two through a grant.
    ``episode``: the patient's episode read, when the read is of one (its own scope is
    then asked by ``episode_in_own_scope``, whose answer the page's later checks reuse)."""
    granted = [(s, f) for s, f in scopes.granted_extra_scopes() if s.audit_purpose]
    if not granted or not may_see_patient_data(user) or not user.is_staff_member:
        return None
    if clinic_id is not None and clinic_id in clinic_ids_with_roles(user, CLINIC_WIDE_ROLES):
        return None
    from tessera.core.models import Episode

    if (
        isinstance(episode, Episode)
        and episode.patient_id == patient.pk
        and episode_in_own_scope(user, episode)
    ):
        return None
    if patient_in_own_scope(user, patient):
        return None
    episodes = Episode.objects.filter(patient=patient)
    for scope, extra in granted:
        if episodes.filter(extra(user)).exists():
            return scope.audit_purpose
    return None


def may_edit_patient_details(user, patient) -> bool:
    """Contact details: the patient themself, or clinical staff whose own roles show them
    the record (a colleague consulted on the case reads it but does not change it)."""
    if not may_see_patient_data(user):
        return False
    if patient.user_id == user.pk:
        return True
    return user.is_staff_member and patient_in_own_scope(user, patient)


def patient_in_own_scope(user, patient) -> bool:
    """Whether the user's own roles show them an episode of this patient. One query,
    asked once per patient object and user: the answer is kept on the patient, so that
    the audit row's purpose (``read_purpose``) and the page's edit link
    (``may_edit_patient_details``) ask it once (issue 16)."""
    from tessera.core.models import Episode

    kept = getattr(patient, "_tessera_own_scope", None)
    if kept is not None and kept[0] == (user.pk, patient.pk):
        return kept[1]
    found = Episode.objects.filter(own_episode_scope(user), patient=patient).exists()
    patient._tessera_own_scope = ((user.pk, patient.pk), found)
    return found


def episode_in_own_scope(user, episode) -> bool:
    """Whether the user's own roles (not a consultation grant) show them this episode:
    what writing to the patient, acting on an alert or changing records needs.

    No query when a role arm holds it (``in_a_role_arm``: the episode's clinic and
    therapist against the request's roles); otherwise one, asked once per episode object
    and user: the answer is kept on the episode with what it depends on of the episode
    (its clinic and therapist; the user's roles are read once per request), so the
    patient overview's sections and its audit record ask the database once, not three
    times (issue 16)."""
    from tessera.core.models import Episode

    key = (user.pk, episode.pk, episode.clinic_id, episode.therapist_id)
    kept = getattr(episode, "_tessera_own_scope", None)
    if kept is not None and kept[0] == key:
        return kept[1]
    found = in_a_role_arm(user, episode) or (
        Episode.objects.filter(own_episode_scope(user), pk=episode.pk).exists()
    )
    episode._tessera_own_scope = (key, found)
    return found


def in_a_role_arm(user, episode) -> bool:
    """Whether a role arm of ``own_episode_scope`` (a clinic-wide role at the episode's
    clinic, or being its therapist at a clinic where the user is a therapist) holds the
    episode, answered from its own columns and the request's roles: no query. Those arms
    are conditions on these two columns alone, so the answer is the database's; only
    the other arms (on call: an open alert) need the query (issue 16)."""
    if not may_see_patient_data(user) or not user.is_staff_member:
        return False
    clinic_wide, therapist_at = own_scope_clinic_ids(user)
    if episode.clinic_id in clinic_wide:
        return True
    return episode.therapist_id == user.pk and episode.clinic_id in therapist_at


def patient_is_visible(user, patient) -> bool:
    from tessera.core.models import Patient

    return Patient.objects.visible_to(user).filter(pk=patient.pk).exists()


def episode_is_visible(user, episode) -> bool:
    from tessera.core.models import Episode

    return Episode.objects.filter(episode_scope(user), pk=episode.pk).exists()


def actor_role_label(user, clinic_id: int | None) -> str:
    """How an actor is described in the audit row: their roles at that clinic."""
    if user is None or not user.is_authenticated:
        return ""
    if clinic_id is not None:
        roles = roles_at(user, clinic_id)
        if roles:
            return ",".join(roles)
    if user.patient_record is not None:
        return "patient"
    return ",".join(sorted(all_roles(user)))
