"""Which outcome rows a user may see, as the access policy decides
(``tessera.core.access.reports``): a clinic whole, their own caseload, or a region's
clinics in aggregate. Anything else is a 404, the same as a clinic that does not exist."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from tessera.core import access
from tessera.core.known_related import clinic_by_slug
from tessera.core.models import Clinic, Region

from .models import EpisodeOutcome


@dataclass(frozen=True)
class ClinicScope:
    clinic: Clinic
    rows: QuerySet[EpisodeOutcome]
    suppress: bool  # seen from beyond the clinic: small numbers hidden, no patient rows


def clinic_scope(user, slug: str) -> ClinicScope:
    clinic = clinic_by_slug(user, slug)  # a role clinic's kept row, or read up to it
    if clinic is None:
        raise Http404
    rows = EpisodeOutcome.objects.filter(clinic=clinic)
    if clinic.pk in access.clinic_outcome_ids(user):
        return ClinicScope(clinic, rows, suppress=False)
    if clinic.region_id in access.region_report_ids(user):
        return ClinicScope(clinic, rows, suppress=True)
    raise Http404


def own_rows(user) -> QuerySet[EpisodeOutcome]:
    """The outcome rows of the user's own caseload at the clinics where they are a
    therapist; 404 for anyone without one."""
    clinic_ids = access.own_outcome_clinic_ids(user)
    if not clinic_ids:
        raise Http404
    return EpisodeOutcome.objects.filter(clinic_id__in=clinic_ids, therapist=user)


def region_scope(user, pk: int) -> Region:
    if pk not in access.region_report_ids(user):
        raise Http404
    return Region.objects.get(pk=pk)


def dashboard_clinic(user, slug: str) -> tuple[Clinic, bool]:
    """The clinic of a dashboard and whether its small numbers are suppressed."""
    clinic = clinic_by_slug(user, slug)  # a role clinic's kept row, or read up to it
    if clinic is None:
        raise Http404
    if clinic.pk in access.dashboard_clinic_ids(user):
        return clinic, False
    if clinic.region_id in access.region_report_ids(user):
        return clinic, True
    raise Http404


def quarterly_clinic(user, slug: str) -> Clinic:
    """The clinic whose quarterly reports the user builds and reads: its managers.
    (A stored report is not suppressed, so region administrators compare clinics on
    the region page instead.)"""
    clinic = clinic_by_slug(user, slug)  # a role clinic's kept row, or read up to it
    if clinic is None or clinic.pk not in access.dashboard_clinic_ids(user):
        raise Http404
    return clinic


def region_register(user, pk: int) -> Region:
    """The region whose courses the user exports to a register: its administrators."""
    if pk not in access.region_register_ids(user):
        raise Http404
    return Region.objects.get(pk=pk)
