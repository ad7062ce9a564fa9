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
from tessera.core.models import Episode


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
    roles = list(
        access.therapist_roles([clinic.pk])
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    counts = dict(
        Episode.objects.filter(
            clinic=clinic, therapist_id__in=[r.user_id for r in roles], patient__is_training=False
        )
        .exclude(status=Episode.Status.ENDED)
        .values_list("therapist_id")
        .annotate(n=Count("id", filter=Q()))
        .values_list("therapist_id", "n")
    )
    loads = {}
    for role in roles:  # one row per therapist, the highest maximum if several
        current = loads.get(role.user_id)
        if current is None or (role.max_caseload or 0) > (current.max_caseload or 0):
            loads[role.user_id] = TherapistLoad(
                role.user, counts.get(role.user_id, 0), role.max_caseload
            )
    return sorted(loads.values(), key=TherapistLoad.sort_key)


def suggested_therapist(loads: list[TherapistLoad]) -> TherapistLoad | None:
    """The first therapist who is not full, or None."""
    return next((load for load in loads if not load.full), None)
