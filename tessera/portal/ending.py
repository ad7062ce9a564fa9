"""Ending an episode: the flow that spans treatment, safety and letters.

Treatment checks the form and closes the episode (its fields, the measures after the
end: ``tessera.treatment.ending``); an episode with an unresolved risk alert cannot be
ended (safety's alerts); its coming sessions are cancelled (appointments, decision
0164); an end-of-treatment letter with the outcome summary goes to the GP or referrer
where the patient agreed to letters (letters). All in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from tessera.appointments import actions as sessions
from tessera.core import access
from tessera.core.models import Episode
from tessera.letters import actions as letters
from tessera.safety.models import RiskAlert
from tessera.treatment import ending


@dataclass(frozen=True)
class Ended:
    episode: Episode
    letter: object | None
    no_letter_because: str | None
    cancelled: int
    scheduled: int
    sessions_cancelled: int = 0


@transaction.atomic
def do_end_episode(
    episode: Episode,
    *,
    acting_user,
    reason: str,
    note: str = "",
    ended_on: dt.date | None = None,
    letter_language: str = "",
    letter_note: str = "",
) -> Ended:
    """``letter_language`` and ``letter_note``: the clinician's choices for the letter
    (``letters.clean_choices``), checked before anything is saved."""
    episode = (
        Episode.objects.select_for_update(no_key=True)
        .select_related("patient", "clinic")
        .get(pk=episode.pk)
    )
    note = (note or "").strip()
    errors = ending.ending_problems(episode, reason, note)
    if len(note) > Episode._meta.get_field("end_note").max_length:  # refused, never cut
        errors["note"] = _("Use at most %(limit)d characters.") % {
            "limit": Episode._meta.get_field("end_note").max_length
        }
    if ended_on is not None and episode.started_on and ended_on < episode.started_on:
        # A course that ended before it began reads as nonsense on the patient's path
        # and in every report of waits and lengths of treatment.
        errors["ended_on"] = _("Treatment cannot end before it started (%(date)s).") % {
            "date": date_format(episode.started_on, "SHORT_DATE_FORMAT")
        }
    if RiskAlert.objects.filter(episode=episode, resolved_at__isnull=True).exists():
        errors["reason"] = _("Resolve the open risk alert before ending the episode.")
    try:
        letter_language, letter_note = letters.clean_choices(
            episode.clinic, letter_language, letter_note
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    cancelled, scheduled = ending.close_episode(
        episode, acting_user=acting_user, reason=reason, note=note, ended_on=ended_on
    )
    # The coming sessions will not take place (decision 0164).
    sessions_cancelled = sessions.do_cancel_coming_sessions(episode, acting_user=acting_user)
    refusal = access.gp_letter_refusal(episode.patient)
    letter = None
    if refusal is None:
        letter = letters.do_write_letter(
            episode,
            "ended",
            acting_user=acting_user,
            language=letter_language,
            note=letter_note,
        )
    return Ended(episode, letter, refusal, cancelled, scheduled, sessions_cancelled)
