"""Finding the same person applying twice to one clinic."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Application, Status


def find_possible_duplicate(application: Application) -> Application | None:
    """The oldest other application at the same clinic with the same national identity
    number (and country), or the same first name, last name and date of birth (names
    compared without regard to case). Drafts and applications already marked duplicate
    are not counted."""
    match = Q(pk__in=[])
    if application.national_id:
        match |= Q(
            national_id_country=application.national_id_country,
            national_id=application.national_id,
        )
    if application.has_details:
        match |= Q(
            first_name__iexact=application.first_name.strip(),
            last_name__iexact=application.last_name.strip(),
            date_of_birth=application.date_of_birth,
        )
    return (
        Application.objects.filter(match, clinic_id=application.clinic_id)
        .exclude(pk=application.pk)
        .exclude(status__in=[Status.DRAFT, Status.DUPLICATE])
        .order_by("created_at", "id")
        .first()
    )


MATCH_LABELS = {
    "national_id": _("the same national identity number"),
    "name_and_birth_date": _("the same name and date of birth"),
}


def match_reasons(one: Application, other: Application) -> list[str]:
    """Why two applications look like the same person (keys of MATCH_LABELS)."""
    reasons = []
    if one.national_id and (one.national_id_country, one.national_id) == (
        other.national_id_country,
        other.national_id,
    ):
        reasons.append("national_id")
    if (
        one.has_details
        and other.has_details
        and one.first_name.strip().lower() == other.first_name.strip().lower()
        and one.last_name.strip().lower() == other.last_name.strip().lower()
        and one.date_of_birth == other.date_of_birth
    ):
        reasons.append("name_and_birth_date")
    return reasons
