"""Writing a letter to the patient's GP or referrer, where the patient agrees to it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tessera.core import access, audit

from . import outcome, render
from .models import Letter


def may_write(patient) -> str | None:
    """Why no letter can go to this patient's GP, or None when one can."""
    if not patient.letters_to_gp:
        return str(_("The patient has not agreed to letters to their GP or referrer."))
    if not patient.gp_name.strip():
        return str(_("There is no GP or referrer on the patient's record."))
    return None


@transaction.atomic
def do_write_letter(episode, kind: str, *, acting_user=None, context: dict | None = None) -> Letter:
    patient, clinic = episode.patient, episode.clinic
    refusal = may_write(patient)
    if refusal:
        raise ValidationError(refusal)
    if kind not in Letter.Kind.values:
        raise ValidationError(_("Unknown kind of letter."))
    language = render.language_for(clinic)
    data = {
        "clinic": clinic,
        "patient": patient,
        "episode": episode,
        "today": timezone.localdate(),
        "author": acting_user,
        **(context or {}),
    }
    if kind == Letter.Kind.ENDED:
        data["summary"] = outcome.summarise(episode)
    letter = Letter.objects.create(
        clinic=clinic,
        patient=patient,
        episode=episode,
        kind=kind,
        language=language,
        recipient_name=patient.gp_name,
        recipient_organisation=patient.gp_practice,
        recipient_email=patient.gp_email,
        html=render.render_html(kind, data, language),
        created_by=acting_user,
    )
    audit.record(
        "letter.written",
        actor=acting_user,
        patient=patient,
        clinic=clinic,
        obj=letter,
        changes={"kind": kind},
        actor_role=access.actor_role_label(acting_user, clinic.pk) if acting_user else "system",
    )
    return letter
