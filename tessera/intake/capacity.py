"""Which therapist of a clinic has room for one more patient.

Caseload = the therapist's open episodes at the clinic (waiting or in treatment, not
ended; practice patients, ``Patient.is_training``, never count), the same count the
workload page uses, against ``ClinicRole.max_caseload``. Suggested order: those with
free places, most free first; then those without a maximum (their load unknown to the
clinic, fewest patients first); those at or over their maximum last, never suggested
and only chosen explicitly (the action asks for a confirmation). Two queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from tessera.core import access
from tessera.core.models import ClinicRole, Episode
from tessera.core.prepared import Prepared


@dataclass(frozen=True)
class TherapistLoad:
    user: object
    caseload: int
    max_caseload: int | None

    @property
    def free(self) -> int | None:
        return None if self.max_caseload is None else self.max_caseload - self.caseload

    @property
    def full(self) -> bool:
        return self.max_caseload is not None and self.caseload >= self.max_caseload

    def sort_key(self) -> tuple:
        if self.max_caseload is None:
            return (1, 0, self.caseload, self.user.pk)
        if self.full:
            return (2, 0, self.caseload - self.max_caseload, self.user.pk)
        return (0, -self.free, self.caseload, self.user.pk)


def therapist_loads(clinic) -> list[TherapistLoad]:
    """Each active therapist's load. Both reads are ranges of the clinic's index
    entries, the same at any size of the country (issue 16): the users are made from
    their roles' copy of the name, e-mail and whether they may sign in (core 0023; the
    user table joined was scanned whole), and the practice patients are left out as
    "not one of the training patients" (``EpisodeQuerySet.real``), not by a join on
    each episode's patient (644 pages at 100,000 patients, 25 at 1,000)."""
    roles = list(
        access.therapist_roles([clinic.pk]).filter(user_is_active=True).order_by("user_id")
    )
    for role in roles:
        role.user = ClinicRole.kept_user(role._state.db, [getattr(role, f) for f in role.KEPT_USER])
    counts = dict(_OPEN_BY_THERAPIST(clinic.pk)) if roles else {}
    loads = {}
    for role in roles:  # one row per therapist, the highest maximum if several
        current = loads.get(role.user_id)
        if current is None or (role.max_caseload or 0) > (current.max_caseload or 0):
            loads[role.user_id] = TherapistLoad(
                role.user, counts.get(role.user_id, 0), role.max_caseload
            )
    return sorted(loads.values(), key=TherapistLoad.sort_key)


# The open episodes at the clinic per therapist: compiled once per process
# (``core.prepared``; issue 16: an application's page and the triage queue). Every
# therapist's of the clinic, those no longer active too (the caller looks up the active
# ones): asked for the active therapists' ids, the planner read the country's therapist
# index once per therapist and ANDed it with the clinic's range (12 pages at 1,000
# patients, 31 at 100,000); now the clinic's range alone.
_OPEN_BY_THERAPIST = Prepared(
    lambda clinic_id: (
        Episode.objects.real()
        .filter(clinic__id=clinic_id, therapist__isnull=False)
        .exclude(status=Episode.Status.ENDED)
        .values_list("therapist_id")
        .annotate(n=Count("id", filter=Q()))
        .values_list("therapist_id", "n")
    )
)


def suggested_therapist(loads: list[TherapistLoad]) -> TherapistLoad | None:
    """The first therapist who is not full, or None."""
    return next((load for load in loads if not load.full), None)
