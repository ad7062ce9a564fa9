"""Writing a letter to the patient's GP or referrer, where the patient agrees to it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tessera.core import access, audit, submissions
from tessera.core.clinic_dates import clinic_today

from .. import outcome, render
from ..models import Letter

NOTE_LIMIT = Letter._meta.get_field("note").max_length


def clean_choices(clinic, language: str = "", note: str = "") -> tuple[str, str]:
    """The letter's language and the clinician's own paragraph, checked: the language one of
    the clinic's (blank: the clinic's first, ``render.language_for``), the paragraph at most
    ``NOTE_LIMIT`` characters (refused, never cut). Raises ValidationError per field."""
    note = (note or "").strip()
    errors = {}
    if language and language not in dict(render.letter_languages(clinic)):
        errors["language"] = _("Choose one of the clinic's languages.")
    if len(note) > NOTE_LIMIT:
        errors["letter_note"] = _("Use at most %(limit)d characters.") % {"limit": NOTE_LIMIT}
    if errors:
        raise ValidationError(errors)
    return language or render.language_for(clinic), note


@transaction.atomic
def do_write_letter(
    episode,
    kind: str,
    *,
    acting_user=None,
    context: dict | None = None,
    language: str = "",
    note: str = "",
    submission_key=None,
) -> Letter:
    """A letter to the patient's GP. ``language`` (one of the clinic's; blank: the clinic's
    first) and ``note`` (the clinician's own paragraph) are for letters a clinician writes;
    automatic letters leave both blank. The letters page's form sent twice (same
    ``submission_key``) writes one letter: the second time this returns the first,
    ``sent_before`` set (``tessera.core.submissions``)."""
    return submissions.made_once(
        Letter,
        submission_key,
        lambda: _write_letter(episode, kind, acting_user, context, language, note, submission_key),
        same=None
        if acting_user is None
        else Letter.objects.filter(
            episode=episode,
            created_by=acting_user,
            kind=kind,
            language=language or render.language_for(episode.clinic),
            note=note,
            created_at__gte=timezone.now() - submissions.REPEAT_WINDOW,
        ),
        lock=None if acting_user is None else f"{acting_user.pk}:{episode.pk}",
        created_by_id=getattr(acting_user, "pk", None),
        episode_id=episode.pk,
    )


def _write_letter(episode, kind, acting_user, context, language, note, submission_key) -> Letter:
    patient, clinic = episode.patient, episode.clinic
    refusal = access.gp_letter_refusal(patient)
    if refusal:
        raise ValidationError(refusal)
    if kind not in Letter.Kind.values:
        raise ValidationError(_("Unknown kind of letter."))
    language, note = clean_choices(clinic, language, note)
    data = {
        "clinic": clinic,
        "patient": patient,
        "to_name": patient.gp_name,
        "to_organisation": patient.gp_practice,
        "about": _about(patient),
        "episode": episode,
        "today": clinic_today(clinic),
        "author": acting_user,
        "note": note,
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
        note=note,
        html=render.render_html(kind, data, language),
        created_by=acting_user,
        submission_key=submission_key,
    )
    audit.record(
        "letter.written",
        actor=acting_user,
        patient=patient,
        clinic=clinic,
        obj=letter,
        changes={"kind": kind, "language": language, "note": note},
        actor_role=access.actor_role_label(acting_user, clinic.pk) if acting_user else "system",
    )
    return letter


def _about(person) -> dict:
    """Who a letter is about (a Patient or an Application: the same field names)."""
    return {
        "name": f"{person.first_name} {person.last_name}".strip(),
        "born": person.date_of_birth,
        "national_id": person.national_id,
    }


def application_recipient(application) -> tuple[str, str, str] | None:
    """(name, organisation, secure e-mail) of whom letters about an application go to, or
    None when none may be written: the referrer if the patient agreed to letters to them
    (``Referral.consent_to_letters``); otherwise the GP on the patient's record where the
    patient agreed (``Patient.letters_to_gp``)."""
    referral = getattr(application, "referral", None)
    if referral is not None and referral.consent_to_letters:
        return referral.referrer_name, referral.organisation, referral.secure_email
    patient = application.patient
    if patient is not None and access.gp_letter_refusal(patient) is None:
        return patient.gp_name, patient.gp_practice, patient.gp_email
    return None


@transaction.atomic
def do_write_application_letter(
    application, kind: str, *, acting_user=None, context: dict | None = None
) -> Letter | None:
    """A letter about an application (received, accepted, declined, started), stored with
    the application (and its patient and episode once there are). Returns None, and writes
    nothing, where consent does not allow a letter. Never e-mailed."""
    if kind not in Letter.Kind.values:
        raise ValidationError(_("Unknown kind of letter."))
    recipient = application_recipient(application)
    if recipient is None:
        return None
    clinic, patient, episode = application.clinic, application.patient, application.episode
    language = render.language_for(clinic)
    name, organisation, email = recipient
    data = {
        "clinic": clinic,
        "patient": patient,
        "episode": episode,
        "application": application,
        "to_name": name,
        "to_organisation": organisation,
        "about": _about(patient or application),
        "today": clinic_today(clinic),
        "author": acting_user,
        **(context or {}),
    }
    letter = Letter.objects.create(
        clinic=clinic,
        patient=patient,
        episode=episode,
        application=application,
        kind=kind,
        language=language,
        recipient_name=name,
        recipient_organisation=organisation,
        recipient_email=email,
        html=render.render_html(kind, data, language),
        created_by=acting_user,
    )
    audit.record(
        "letter.written",
        actor=acting_user,
        patient=patient,
        clinic=clinic,
        obj=letter,
        purpose="intake",
        changes={"kind": kind, "application": application.pk},
        actor_role=access.actor_role_label(acting_user, clinic.pk) if acting_user else "system",
    )
    return letter
