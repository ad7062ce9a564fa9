"""The applicant's timeline (issue 14): what has happened to the application and what
comes next, in words and dates, never a score. Steps are done, the one being waited
for now, or still to come. The portal adds the treatment's own steps after these
(tessera.portal.timeline)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext, gettext_noop, override
from django.utils.translation import gettext_lazy as _

from tessera.core import kept_text
from tessera.core.template_rows import ByName, escaped
from tessera.core.templatetags import kept_dates

from .models import Application, Source, Status

DONE, NOW, NEXT = "done", "now", "next"
# Made once (lazy); a step's is translated when its state is given (``with_states``).
STATE_LABELS = {DONE: _("done"), NOW: _("now"), NEXT: _("to come")}


@dataclass(frozen=True)
class Step(ByName):
    """A step of the path; the templates read it by name (``core.template_rows``)."""

    code: str
    label: str
    when: dt.datetime | dt.date | None = None
    done: bool = False
    note: str = ""
    state: str = NEXT
    # The state in words, given by ``with_states`` with the state.
    state_label: str = ""
    # When, as the timeline shows it ("2026-05-12", "planned for 2026-05-12"), given by
    # ``with_states``; empty without a date.
    when_text: str = ""

    @property
    def at_a_time(self) -> bool:
        """A coming appointment: shown with its time, not only its day."""
        return isinstance(self.when, dt.datetime) and not self.done


# The steps' texts, made once (lazy): ``with_states`` turns them into words once per
# language (``core.kept_text``, issue 16).
APPLICATION_SENT = _("Application sent")
YOU_SEND_IT = _("You fill in your application and send it to the clinic.")
REFERRAL_RECEIVED = _("Referral received")
REFERRAL_NOTE = _("The clinic has received a referral for you.")
ASSESSMENT = _("Assessment")
ASSESSMENT_BOOKED = _("Assessment booked")
ASSESSMENT_NOTE = _("The clinic books a time to talk with you about your application.")
DECISIONS = {
    Status.ACCEPTED: _("Accepted for treatment"),
    Status.WAITING_LIST: _("Accepted: on the waiting list"),
    Status.DECLINED: _("Decision: not offered treatment here"),
    Status.REDIRECTED: _("Decision: referred elsewhere"),
}
DECISION = _("Decision")
DECISION_NOTE = _("The clinic tells you whether it can offer you treatment, and when.")
SCREENING = _("Screening questionnaires")
SCREENING_NOTE = _("A few questionnaires about how you feel, so the clinic can plan.")


def _received(application: Application) -> Step:
    if application.source == Source.SELF:
        label, note = APPLICATION_SENT, YOU_SEND_IT
    else:
        label, note = REFERRAL_RECEIVED, REFERRAL_NOTE
    when = application.submitted_at
    return Step("received", label, when, done=when is not None, note=note)


def _assessment(application: Application, booking) -> Step:
    if application.assessed_at:
        return Step("assessment", ASSESSMENT, application.assessed_at, done=True)
    if booking is not None:
        return Step(
            "assessment",
            ASSESSMENT_BOOKED,
            booking.starts_at,
            note=_("Your appointment with the clinic: %(how)s.")
            % {"how": booking.get_mode_display()},
        )
    return Step("assessment", ASSESSMENT, note=ASSESSMENT_NOTE)


def _decision(application: Application) -> Step:
    if application.decided_at and application.status in DECISIONS:
        return Step("decision", DECISIONS[application.status], application.decided_at, done=True)
    return Step("decision", DECISION, note=DECISION_NOTE)


def application_steps(application: Application, booking=None) -> list[Step]:
    """The application's steps, in order, each with its date once it has happened.
    booking: the application's coming assessment booking (not cancelled), if any."""
    screened = application.screened_at or (
        application.submitted_at if not application.screening_set else None
    )
    steps = [
        _received(application),
        Step("screening", SCREENING, screened, done=screened is not None, note=SCREENING_NOTE),
        _assessment(application, booking),
        _decision(application),
    ]
    # An application decided without an assessment (accepted at once, or declined after
    # reading) skips that step rather than showing it as still to come.
    if application.decided_at and not application.assessed_at:
        steps = [s for s in steps if s.code != "assessment"]
    return with_states(steps)


def with_states(steps: list[Step], language: str | None = None) -> list[Step]:
    """Done steps stay done; the first step not done is now; the rest are to come.

    The steps' texts are translated here, in the request's language, once: a lazy text
    is translated again each time the page draws or tests it (``{% if step.note %}``
    then ``{{ step.note }}``), about 5 µs each, half a timeline's drawing (issue 16).
    ``language``: the active one (``get_language()``), when the caller has it."""
    out, current_seen = [], False
    language = language or get_language()
    for step in steps:
        if step.done:
            state = DONE
        elif not current_seen:
            state, current_seen = NOW, True
        else:
            state = NEXT
        out.append(
            replace(
                step,
                label=kept_text.text(step.label, language),
                note=kept_text.text(step.note, language),
                state=state,
                state_label=kept_text.text(STATE_LABELS[state], language),
                when_text=when_in_words(step, language),
            )
        )
    return out


# The timeline's sentence for a date to come (a ``{% blocktranslate %}`` before: the
# same message).
_PLANNED = gettext_noop("planned for %(date)s")


def when_in_words(step: Step, language: str | None) -> str:
    """A step's date as ``intake/_timeline.html`` showed it with Django's ``date``
    filter (``kept_dates``) and ``{% blocktranslate %}``: a done step's day, a coming
    appointment's day and time, else "planned for" its day; in the current language and
    time zone (the engine's ``template_localtime``), escaped as the template escaped it.
    Worked out here, once per step, rather than by three tags as the page is drawn
    (issue 16). ``language``: the active one (``get_language()``)."""
    when = step.when
    if not when:
        return ""
    when = template_localtime(when)
    if step.done:
        return kept_dates.formatted(when, "SHORT_DATE_FORMAT", language)
    if step.at_a_time:
        return kept_dates.formatted(when, "SHORT_DATETIME_FORMAT", language)
    day = kept_dates.formatted(when, "SHORT_DATE_FORMAT", language)
    values = {"date": conditional_escape(day)}
    try:
        sentence = kept_text.translated(_PLANNED, language) % values
    except (KeyError, ValueError):
        # A translation that does not fit: the English sentence, as Django's tag does.
        with override(None):
            sentence = gettext(_PLANNED) % values
    # As the tag drew it: the catalog's text as it is, the date escaped.
    return mark_safe(sentence)  # noqa: S308 - our own translation, the value escaped


# ``intake/_timeline.html``'s list label; the template's ``{% translate %}`` of a string
# literal gives the catalog's text as it is (a literal is safe, so is its translation).
_PATH_LABEL = gettext_noop("Your path, step by step")


def drawn(steps: list[Step], language: str | None) -> str:
    """``{% include "intake/_timeline.html" with steps=steps %}`` for steps given their
    states by ``with_states``: the same HTML, byte for byte (the same whitespace, each
    value escaped as ``{{ }}`` escapes a text: ``template_rows.escaped``), drawn here in
    one pass where the include cost the patient home a template, a loop and about forty
    nodes a request (issue 16; ``tests/core/test_patient_home_rows.py`` compares the
    two). ``language``: the active one (``get_language()``)."""
    escape = escaped
    parts = [
        '<ol class="timeline" aria-label="',
        kept_text.translated(_PATH_LABEL, language).replace("%%", "%"),
        '">\n  ',
    ]
    for step in steps:
        parts.append('\n  <li class="timeline-step timeline-')
        parts.append(escape(step.state))
        parts.append('" aria-current="step">' if step.state == NOW else '">')
        parts.append('\n    <span class="visually-hidden">')
        parts.append(escape(step.state_label))
        parts.append(": </span><strong>")
        parts.append(escape(step.label))
        parts.append("</strong>")
        if step.when_text:
            parts.append('\n    <span class="timeline-when">')
            parts.append(escape(step.when_text))
            parts.append("</span>")
        parts.append("\n    ")
        if step.note and not step.done:
            parts.append("<p>")
            parts.append(escape(step.note))
            parts.append("</p>")
        parts.append("\n  </li>\n  ")
    parts.append("\n</ol>\n")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above
