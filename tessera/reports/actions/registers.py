"""Exporting one clinic's courses to a quality register from the clinic's page: the
register is made on first use from a shipped profile (as ``manage.py export_register``
does), then ``register.export.do_export`` sends what is new or changed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Register, RegisterExport
from ..register.export import do_export, profiles


def register_for(profile: str, version: int) -> Register:
    """The register of this profile, or an unsaved one when none was made yet."""
    found = Register.objects.filter(profile=profile, version=version).order_by("pk").first()
    return found or Register(name=f"{profile}-{version}", profile=profile, version=version)


@transaction.atomic
def do_export_clinic_to_register(
    clinic, profile: str, version: int, *, acting_user, start=None, end=None
) -> RegisterExport | None:
    """Export the clinic's courses in treatment in the period (all when no period) that
    are new or changed since the last export to this register; None when nothing is."""
    if (profile, version) not in profiles():
        raise ValidationError(_("There is no such register profile."))
    register = register_for(profile, version)
    if register.pk is None:
        register.save()
    return do_export(
        register,
        acting_user=acting_user,
        clinic_ids={clinic.pk},
        start=start,
        end=end,
        clinic=clinic,
    )
