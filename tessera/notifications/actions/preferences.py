"""Changing how a person wants to be told (audited; the values carry nothing clinical)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tessera.core import audit

from ..delivery import phone_of
from ..models import Preference

FIELDS = ["email", "sms", "quiet_from", "quiet_until", "time_zone"]


@transaction.atomic
def do_save_preferences(user, *, acting_user, **values) -> Preference:
    preference, _created = Preference.objects.select_for_update(no_key=True).get_or_create(
        user=user
    )
    before = {name: str(getattr(preference, name)) for name in FIELDS}
    for name, value in values.items():
        if name not in FIELDS:
            raise TypeError(name)
        setattr(preference, name, value)
    if preference.sms and not phone_of(user):
        raise ValidationError({"sms": _("Add a mobile phone number to your details first.")})
    if (preference.quiet_from is None) != (preference.quiet_until is None):
        raise ValidationError(
            {"quiet_until": _("Give both the start and the end of your quiet hours.")}
        )
    preference.full_clean()
    preference.save()
    after = {name: str(getattr(preference, name)) for name in FIELDS}
    audit.record(
        "notifications.preferences_changed",
        actor=acting_user,
        patient=user.patient_record,
        obj=preference,
        purpose="self" if acting_user == user else "care",
        changes=audit.changed_fields(before, after),
    )
    return preference
