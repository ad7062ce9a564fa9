"""Which of a page of clinics have something that must be fixed (decision 0157): hours
when a risk alert would reach nobody, an unguided clinic's working hours without anyone
on call (``on_call.errors_of``), no crisis contacts of its own (``crisis``). Read for a
page of clinics in the same queries as for one; the list of clinics shows what each has,
a region administrator's home how many (decision 0161)."""

from __future__ import annotations

from dataclasses import dataclass

from . import crisis, on_call
from .models import Clinic

# A region's clinics grow with the service: paged (decision 0140). The home counts the
# clinics of the list's first page, the same page the link opens.
CLINICS_PER_PAGE = 25


def mark(clinics: list[Clinic]) -> list[Clinic]:
    """Set ``cover_errors`` and ``without_contacts`` on each clinic: four queries for a
    page of clinics."""
    errors = on_call.errors_of(clinics)
    no_contacts = crisis.clinics_without_contacts(errors)
    for clinic in clinics:
        clinic.cover_errors = errors[clinic.pk]
        clinic.without_contacts = clinic.pk in no_contacts
    return clinics


@dataclass(frozen=True)
class Attention:
    count: int  # clinics of the first page with something that must be fixed
    more: bool  # the list has more than one page: the count is of its first


def of_first_page(clinic_ids) -> Attention:
    """How many of the clinics on the first page of the list of clinics (``clinic_ids``,
    in the list's order) must be fixed: five queries, for one clinic or a page of them."""
    read = list(
        Clinic.objects.filter(pk__in=clinic_ids).order_by("name", "pk")[: CLINICS_PER_PAGE + 1]
    )
    page = mark(read[:CLINICS_PER_PAGE])
    count = sum(1 for clinic in page if clinic.cover_errors or clinic.without_contacts)
    return Attention(count, len(read) > CLINICS_PER_PAGE)
