"""Granting staff roles and region administration (audited)."""

from __future__ import annotations

from django.db import transaction

from .. import audit
from ..models import Clinic, ClinicRole, Region, RegionAdministrator, User


@transaction.atomic
def do_grant_role(
    user: User, clinic: Clinic, role: str, *, acting_user=None, **extra
) -> ClinicRole:
    grant, created = ClinicRole.objects.get_or_create(
        user=user, clinic=clinic, role=role, defaults=extra
    )
    if created:
        audit.record(
            "staff.role_granted",
            actor=acting_user,
            clinic=clinic,
            obj=grant,
            purpose="administration",
            changes={"user": user.pk, "role": role},
        )
    return grant


@transaction.atomic
def do_make_region_admin(user: User, region: Region, *, acting_user=None) -> RegionAdministrator:
    row, created = RegionAdministrator.objects.get_or_create(user=user, region=region)
    if created:
        audit.record(
            "region.admin_granted",
            actor=acting_user,
            obj=row,
            purpose="administration",
            changes={"user": user.pk, "region": region.pk},
        )
    return row
