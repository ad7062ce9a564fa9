"""Writes of regions and clinics: settings and crisis contacts, atomic and audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from .. import access, audit, on_call, ratelimits, submissions
from ..drawn import CHANGED_MEANWHILE, Drawn, rate_limits_digest, refuse_if_changed
from ..models import Clinic, CrisisContact, Region

# Audit rows name the fields that changed; values of identifying fields are not copied.
_VALUE_FREE_FIELDS = {"national_id", "address", "phone", "email", "date_of_birth"}


def _describe_changes(before: dict, after: dict) -> dict:
    changed = audit.changed_fields(before, after)
    return {
        field: (values if field not in _VALUE_FREE_FIELDS else "changed")
        for field, values in changed.items()
    }


@transaction.atomic
def do_create_region(*, name: str, country: str, acting_user=None, is_national=False) -> Region:
    region = Region.objects.create(name=name, country=country, is_national=is_national)
    audit.record("region.created", actor=acting_user, obj=region, purpose="administration")
    return region


@transaction.atomic
def do_create_clinic(*, region: Region, acting_user=None, crisis_contacts=(), **fields) -> Clinic:
    clinic = Clinic(region=region, **fields)
    clinic.full_clean()
    clinic.save()
    for position, contact in enumerate(crisis_contacts):
        CrisisContact.objects.create(clinic=clinic, position=position, **contact)
    audit.record(
        "clinic.created", actor=acting_user, clinic=clinic, obj=clinic, purpose="administration"
    )
    return clinic


@transaction.atomic
def do_update_clinic_settings(
    clinic: Clinic, *, acting_user, drawn: Drawn | None = None, **fields
) -> Clinic:
    """``drawn``: what the form was drawn with; compared under the clinic's row lock, so
    another manager's save at the same moment is refused, not saved over (0152)."""
    refuse_if_changed(
        Clinic.objects.select_for_update(no_key=True).get(pk=clinic.pk), drawn, fields
    )
    before = {k: str(v) for k, v in model_to_dict(clinic, fields=list(fields)).items()}
    errors_before = _cover_errors(clinic)
    for name, value in fields.items():
        setattr(clinic, name, value)
    clinic.full_clean()
    _refuse_new_cover_errors(clinic, errors_before)
    clinic.save()
    audit.record(
        "clinic.settings_changed",
        actor=acting_user,
        clinic=clinic,
        obj=clinic,
        purpose="administration",
        actor_role=access.actor_role_label(acting_user, clinic.pk),
        changes=audit.changed_fields(before, {k: str(v) for k, v in fields.items()}),
    )
    return clinic


def _cover_errors(clinic: Clinic) -> set[str]:
    return {p.code for p in on_call.problems(clinic) if p.level == on_call.ERROR}


def _refuse_new_cover_errors(clinic: Clinic, errors_before: set[str]) -> None:
    """The settings page refuses a change that would leave a risk alert reaching nobody,
    or unguided care without anyone on call in the working hours (issue 12, point 1;
    ``tessera.core.on_call.problems``, the same check as ``manage.py check --deploy``).
    A problem the clinic already had is shown on its page, not refused again here, so
    that other settings can still be saved while the rota is put right."""
    new = [
        p
        for p in on_call.problems(clinic)
        if p.level == on_call.ERROR and p.code not in errors_before
    ]
    if new:
        raise ValidationError(
            [p.message for p in new]
            + [_("Put someone on the on-call rota for those hours first, then save again.")]
        )


@transaction.atomic
def do_set_clinic_rate_limits(
    clinic: Clinic, *, acting_user, limits: dict, drawn: str = ""
) -> Clinic:
    """The clinic's own rate limits, as counts per hour by limit name; None (or a name
    left out) goes back to the default. Each count must lie within the operator's bounds
    (TESSERA_CLINIC_RATE_BOUNDS); a name the operator did not open to managers is refused.
    ``drawn``: the digest of the limits the page showed; another manager's save since is
    refused (``changed_meanwhile``), the same limits sent twice are not (0152)."""
    if clinic.pk not in access.managed_clinic_ids(acting_user):
        raise PermissionDenied
    bounds = ratelimits.clinic_bounds()
    errors, chosen = {}, {}
    for name, count in limits.items():
        if name not in bounds:
            errors[name] = _("This limit is set by the operator only.")
        elif count is not None:
            low, high = bounds[name]
            if not isinstance(count, int) or not low <= count <= high:
                errors[name] = _("Choose a number from %(low)s to %(high)s an hour.") % {
                    "low": low,
                    "high": high,
                }
            else:
                chosen[name] = f"{count}/h"
    if errors:
        raise ValidationError(errors)
    locked = Clinic.objects.select_for_update(no_key=True).get(pk=clinic.pk)
    before = dict(locked.rate_limits or {})
    now = rate_limits_digest(before)
    if drawn and drawn != now and rate_limits_digest(chosen) != now:
        raise ValidationError(CHANGED_MEANWHILE, code="changed_meanwhile")
    locked.rate_limits = chosen
    locked.save(update_fields=["rate_limits"])
    clinic.rate_limits = chosen
    audit.record(
        "clinic.rate_limits_changed",
        actor=acting_user,
        clinic=locked,
        obj=locked,
        purpose="administration",
        actor_role=access.actor_role_label(acting_user, locked.pk),
        changes={"before": before, "after": chosen},
    )
    return locked


@transaction.atomic
def do_add_crisis_contact(clinic: Clinic, *, acting_user, **fields) -> CrisisContact:
    """Add a line to the clinic's crisis contacts. The same line again (the form sent
    twice) is the one already there, ``sent_before`` set: a list of numbers to call has
    no use for the same one twice (decision 0070)."""
    same = {name: (fields.get(name) or "") for name in ("language", "label", "phone", "url")}
    return submissions.made_once(
        CrisisContact,
        None,
        lambda: _add_crisis_contact(clinic, acting_user, fields),
        same=CrisisContact.objects.filter(clinic=clinic, **same),
        lock=str(clinic.pk),
    )


def _add_crisis_contact(clinic: Clinic, acting_user, fields: dict) -> CrisisContact:
    position = clinic.crisis_contacts.count()
    contact = CrisisContact(clinic=clinic, position=position, **fields)
    contact.full_clean()
    contact.save()
    audit.record(
        "clinic.crisis_contact_added",
        actor=acting_user,
        clinic=clinic,
        obj=contact,
        purpose="administration",
        actor_role=access.actor_role_label(acting_user, clinic.pk),
        changes={"label": contact.label, "phone": contact.phone, "language": contact.language},
    )
    return contact


def lock_clinics(clinic_ids) -> None:
    """Lock the clinics' rows (in id order) before checking that each keeps what it must
    keep: a manager (staff actions), a crisis contact (below). Without it two people
    taking away each other's manager role, or the last two crisis contacts, at the same
    moment each saw the other stay, and both went: the clinic was left with no manager
    (the last person every risk alert falls back to, ``tessera.safety.recipients``) or no
    crisis contact of its own. Locked, the second waits for the first and then sees it
    (decisions 0112, 0122)."""
    list(
        Clinic.objects.select_for_update(no_key=True)
        .filter(pk__in=list(clinic_ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def do_remove_crisis_contact(contact: CrisisContact, *, acting_user) -> None:
    """Take a line off the clinic's crisis contacts. A clinic keeps at least one: its row
    is locked before the check, so two removals at the same moment (two managers, two
    tabs) cannot each take what the other left as the last (as for managers, decision
    0112). A line removed already is left as it is: no second audit event."""
    lock_clinics([contact.clinic_id])
    others = CrisisContact.objects.filter(clinic_id=contact.clinic_id).exclude(pk=contact.pk)
    if not CrisisContact.objects.filter(pk=contact.pk).exists():
        return
    if not others.exists():
        raise ValidationError(
            _("A clinic must keep at least one crisis contact."), code="last_crisis_contact"
        )
    audit.record(
        "clinic.crisis_contact_removed",
        actor=acting_user,
        clinic=contact.clinic,
        obj=contact,
        purpose="administration",
        actor_role=access.actor_role_label(acting_user, contact.clinic_id),
        changes={"label": contact.label, "phone": contact.phone},
    )
    contact.delete()
