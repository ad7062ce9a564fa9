"""The whole path on one line (issue 14): the application's steps (tessera.intake.
timeline) followed by the treatment's: start, the weeks, the end. Shown on the home page
of applicants and patients, so they always see what has happened and what comes next."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from tessera.core import care_words
from tessera.core.models import Episode
from tessera.intake.models import Application, Status
from tessera.intake.timeline import Step, application_steps, with_states
from tessera.treatment import plans

# Applications whose path goes on into treatment (the others end at the decision).
LEADS_TO_TREATMENT = {
    Status.DRAFT,
    Status.SUBMITTED,
    Status.NEEDS_INFO,
    Status.ASSESSMENT_BOOKED,
    Status.WAITING_LIST,
    Status.ACCEPTED,
}


def _weeks(episode: Episode | None) -> int | None:
    version = episode.programme_version if episode is not None else None
    return version.weeks if version is not None else None


# The steps' texts, made once (lazy): ``with_states`` turns them into words once per
# language (``core.kept_text``, issue 16).
STARTS = _("Treatment starts")
STARTS_WHEN_FREE = _("When a place is free, the clinic tells you and your treatment starts.")
STARTS_FIRST_MODULE = _("Your modules open and you start the first one.")
ENDS = _("Treatment ends")
STARTED = _("Treatment started")
ENDED = _("Treatment ended")
WEEK_NOTE = _("A module at a time, at your own pace within the week.")
END_NOTE = _("Then a last questionnaire, and a talk about what comes after.")
# A self-help course has nobody who reads or talks with the patient (``care_words``):
# its path must not promise a talk.
END_NOTE_SELF_HELP = _("Then a last questionnaire, and the clinic tells you what comes after.")


def treatment_steps(
    episode: Episode | None, *, waiting: bool = False, today: dt.date | None = None
) -> list[Step]:
    """Start, weeks and end of the treatment (planned, or as they happened). ``today``:
    the clinic's (``plans.clinic_today``), when the caller has it already."""
    if episode is None or episode.started_on is None:
        note = STARTS_WHEN_FREE if waiting else STARTS_FIRST_MODULE
        return [Step("start", STARTS, note=note), Step("end", ENDS)]
    started = episode.started_on
    weeks = _weeks(episode)
    steps = [Step("start", STARTED, started, done=True)]
    if episode.ended_on is not None:
        return [*steps, Step("end", ENDED, episode.ended_on, done=True)]
    planned_end = started + dt.timedelta(weeks=weeks) if weeks else None
    if weeks:
        today = today or plans.clinic_today(episode.clinic)
        week = min(max((today - started).days // 7 + 1, 1), weeks)
        steps.append(
            Step(
                "weeks",
                _("Week %(week)s of %(weeks)s") % {"week": week, "weeks": weeks},
                note=WEEK_NOTE,
            )
        )
    note = END_NOTE if care_words.has_reader(episode) else END_NOTE_SELF_HELP
    steps.append(Step("end", ENDS, planned_end, note=note))
    return steps


def application_timeline(application: Application) -> list[Step]:
    """An applicant's path: the application's steps, and the treatment's if the
    application can still lead there."""
    booking = next(
        (b for b in application.bookings.all() if b.cancelled_at is None),
        None,
    )
    steps = list(application_steps(application, booking))
    if application.status in LEADS_TO_TREATMENT:
        steps += treatment_steps(
            application.episode, waiting=application.status == Status.WAITING_LIST
        )
    return with_states(steps)


_READ = object()


def episode_timeline(
    episode: Episode | None, application=_READ, *, language=None, today=None
) -> list[Step]:
    """A patient's path: from the application that led to the episode (when there was
    one) to the end of treatment. ``application``: that application (or None), when the
    caller has read it already (the patient home, ``home.applications_and_path``);
    ``language`` (the active one) and ``today`` (the episode's clinic's) likewise
    (decision 0127)."""
    if episode is None:
        return []
    if application is _READ:
        application = Application.objects.filter(episode=episode).order_by("-created_at").first()
    steps = list(application_steps(application)) if application is not None else []
    return with_states(steps + treatment_steps(episode, today=today), language)
