"""What a notification says: only that there is something new, and where to read it.

Never a name, diagnosis, message text, score or anything else from the record. The
wording is chosen by kind and translated into the recipient's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tessera.core import languages


@dataclass(frozen=True)
class Wording:
    subject: str
    line: str


KINDS: dict[str, Wording] = {
    "new_message": Wording(
        _("You have a new message"),
        _("There is a new message for you to read in Tessera."),
    ),
    "patient_wrote": Wording(
        _("A patient has written"),
        _("A patient in your caseload has written a message in Tessera."),
    ),
    "risk_alert": Wording(
        _("A risk alert needs acknowledging"),
        _("A risk alert at your clinic needs to be acknowledged. Sign in to read it."),
    ),
    "risk_alert_escalated": Wording(
        _("A risk alert has been passed on to you"),
        _("Nobody has acknowledged a risk alert at your clinic in time. Sign in to read it."),
    ),
    "practice_risk_alert": Wording(
        _("A risk alert on your practice patient"),
        _(
            "A risk alert was raised on your practice patient. It is practice: no real "
            "patient is at risk. Sign in to read it."
        ),
    ),
    "security_burst": Wording(
        _("Unusual sign-in failures at your clinic"),
        _(
            "Tessera has recorded many failed sign-ins or refused pages at your clinic in the "
            "last few minutes. Sign in and look at the security events."
        ),
    ),
    "urgent_application": Wording(
        _("An urgent application needs someone today"),
        _(
            "An application to your clinic has been marked urgent. Sign in to read it and "
            "contact the applicant."
        ),
    ),
    "urgent_application_escalated": Wording(
        _("An urgent application has not been acknowledged"),
        _(
            "Nobody has acknowledged an urgent application to your clinic within the hour. "
            "Sign in to read it and make sure someone contacts the applicant."
        ),
    ),
    # Hand-overs (issue 20): who has something to do next, never what it is about.
    "assessment_booked": Wording(
        _("An appointment has been booked for you"),
        _("The clinic has booked an appointment with you. Sign in to see when and how."),
    ),
    "assessment_to_do": Wording(
        _("An assessment has been booked with you"),
        _("An assessment at your clinic has been booked with you. Sign in to see it."),
    ),
    "application_decided": Wording(
        _("There is news about your application"),
        _("The clinic has decided on your application. Sign in to read it."),
    ),
    # Applicants writing to the clinic (issue 14): that someone wrote, never what.
    "applicant_wrote": Wording(
        _("An applicant has written to your clinic"),
        _("Someone who has applied to your clinic has written a message. Sign in to read it."),
    ),
    "application_answered": Wording(
        _("The clinic has answered you"),
        _("There is an answer from the clinic about your application. Sign in to read it."),
    ),
    "session_change_asked": Wording(
        _("A patient asks to change a session"),
        _("A patient has asked to move or cancel a booked session. Sign in to see it."),
    ),
    "new_patient": Wording(
        _("A new patient has been assigned to you"),
        _("A patient has been added to your caseload in Tessera. Sign in to see them."),
    ),
    "consultation_answered": Wording(
        _("A colleague has answered you"),
        _("A colleague has written in a consultation you asked for. Sign in to read it."),
    ),
    "session_booked": Wording(
        _("A session has been booked for you"),
        _("Your clinic has booked a session with you. Sign in to see when and how."),
    ),
    "session_booked_with_you": Wording(
        _("A session has been booked with you"),
        _("A colleague has booked a session with you for a patient. Sign in to see it."),
    ),
    # Reminders (tessera/automation): nothing about what the questionnaire or module is.
    "reminder_questionnaire": Wording(
        _("A questionnaire is waiting for you"),
        _("There is a short questionnaire for you to fill in in Tessera."),
    ),
    "reminder_module": Wording(
        _("Something new is ready for you"),
        _("The next part of your programme is ready for you in Tessera."),
    ),
    "reminder_inactive": Wording(
        _("Your programme is waiting for you"),
        _("Your programme in Tessera is there for you whenever you have a few minutes."),
    ),
}
FALLBACK = Wording(_("Something new in Tessera"), _("There is something new for you in Tessera."))

# Kinds whose e-mail is written by their own app at send time (an invitation's link
# carries a token made then, a staff invitation names the role): ``compose(row, language)``
# returns the whole subject and body. Registered by the app that owns the kind (layers
# above register here; ``register``), so the worker writes them the same way whoever
# queued them. Still nothing clinical: ids and codes in ``row.params`` only.
Composer = Callable[..., tuple[str, str]]
COMPOSERS: dict[str, Composer] = {}
# Run in the transaction that marks a row of the kind sent (delivery._record_sent): the
# owner records what sending means to it (a referral receipt marked sent, audited).
ON_SENT: dict[str, Callable] = {}
# Asked just before a row of the kind is sent, which can be hours after it was written
# (held for quiet hours, tried again after a failure): ``still_wanted(row) -> bool``,
# registered by the app that owns what the kind is about (``register_still_wanted``).
# False when that has ended (the questionnaire answered or cancelled, the module removed,
# the episode ended, the session cancelled): the row is withdrawn, not sent (decision 0105).
STILL_WANTED: dict[str, Callable] = {}
# Run in the transaction that withdraws a row of the kind (``on_withdrawn(row)``): the
# owner tells whoever must be told instead (a risk alert whose notice was for someone
# who has left goes to the people who can act on it now).
ON_WITHDRAWN: dict[str, Callable] = {}


def register(kind: str, about, *, on_sent: Callable | None = None):
    """``about``: the subject line shown in lists (the failed page, the history)."""

    def add(compose: Composer) -> Composer:
        COMPOSERS[kind] = compose
        KINDS.setdefault(kind, Wording(about, about))
        if on_sent is not None:
            ON_SENT[kind] = on_sent
        return compose

    return add


def register_still_wanted(*kinds: str, on_withdrawn: Callable | None = None):
    def add(check: Callable) -> Callable:
        for kind in kinds:
            STILL_WANTED[kind] = check
            if on_withdrawn is not None:
                ON_WITHDRAWN[kind] = on_withdrawn
        return check

    return add


def site_link(row, path: str) -> str:
    """``path`` on the site the request that queued ``row`` came to (``params["base"]``),
    else on TESSERA_SITE_URL."""
    base = row.params.get("base") or settings.TESSERA_SITE_URL
    return base.rstrip("/") + path


def language_of(user) -> str:
    """The recipient's own language (a patient's from their record, a staff member's from
    their login: tessera.core.languages), else the site's."""
    return languages.preferred_language(user) or settings.LANGUAGE_CODE


def absolute(link: str) -> str:
    base = settings.TESSERA_SITE_URL.rstrip("/")
    return f"{base}{link}" if link.startswith("/") else link


def email(kind: str, link: str, language: str) -> tuple[str, str]:
    """Subject and plain-text body of the e-mail, in the given language."""
    wording = KINDS.get(kind, FALLBACK)
    with translation.override(language):
        subject = str(wording.subject)
        body = render_to_string(
            "notifications/email.txt", {"line": wording.line, "link": absolute(link)}
        )
    return subject, body


def sms(kind: str, link: str, language: str) -> str:
    wording = KINDS.get(kind, FALLBACK)
    with translation.override(language):
        return f"{wording.line} {absolute(link)}"
