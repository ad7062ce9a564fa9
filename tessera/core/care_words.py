"""Words that depend on the care model, from one place (issue 14).

An unguided course must never promise a therapist, and a guided one must never leave a
message unread. Every patient-facing text that says who reads, answers or follows the
patient's work comes from here, decided by the episode's care model and whether it has a
responsible therapist; templates reach it through the ``care_words`` template tags
(``tessera/core/templatetags/care_words.py``).

Unguided care (self-help with automated support, as in MindSpot's and THIS WAY UP's
self-guided courses) has no named therapist: nobody reads worksheets, and messages are
offered only when a responsible therapist has been named for the episode
(``access.may_write_message``). The way to reach a person is "I need help", which
raises an alert to the clinic's staff on call (``tessera.automation``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .access import therapist_has_left
from .crisis import emergency_number

GUIDED_MODELS = ("guided", "blended", "face_to_face")


def has_reader(episode) -> bool:
    """Whether a person reads what the patient sends in this episode: a responsible
    therapist is named. Unguided episodes without one have no reader."""
    return episode is not None and episode.therapist_id is not None


def is_unguided(episode) -> bool:
    return episode is not None and episode.care_model == "unguided"


def who_reads_messages(episode) -> str:
    """One sentence for the top of the patient's messages page."""
    if not has_reader(episode):
        return _(
            "Nobody reads messages in this self-help course. If you need to reach the "
            "clinic, use “I need help”: it goes to the staff on duty."
        )
    if therapist_has_left(episode):
        # Their therapist no longer works there: the clinic's managers are told of each
        # message and see it in the team's inbox (access.patient_message_recipients).
        team_reads = _(
            "Your therapist no longer works at %(clinic)s, and the clinic is finding you a "
            "new one. Until then the clinic's team reads your messages, on working days."
        ) % {"clinic": episode.clinic.name}
        return f"{team_reads} {not_an_emergency(episode.clinic)}"
    name = episode.therapist.get_full_name() or _("your therapist")
    hours = episode.clinic.response_target_hours
    if is_unguided(episode):
        return _(
            "Your messages go to %(name)s at %(clinic)s, who answers on working days, "
            "usually within %(hours)s working hours. This is not an emergency service."
        ) % {"name": name, "clinic": episode.clinic.name, "hours": hours}
    return _(
        "Your messages go to your therapist, %(name)s, at %(clinic)s, who answers on "
        "working days, usually within %(hours)s working hours. This is not an emergency "
        "service."
    ) % {"name": name, "clinic": episode.clinic.name, "hours": hours}


def send_worksheet_label(episode) -> str:
    """The button that sends a finished worksheet."""
    if is_unguided(episode) or not has_reader(episode):
        return _("Mark as finished")
    if therapist_has_left(episode):
        return _("Send for my new therapist")
    return _("Send to my therapist")


def worksheet_sent_message(episode) -> str:
    if is_unguided(episode) or not has_reader(episode):
        return _("Finished. Your answers are kept here for you.")
    if therapist_has_left(episode):
        return _("Sent. It is kept for your new therapist, whom the clinic is finding for you.")
    return _("Sent. Your therapist will read it.")


def modules_not_set_up(episode) -> str:
    if is_unguided(episode):
        return _("Your course has not been set up yet.")
    if therapist_has_left(episode):
        return _(
            "Your modules have not been set up yet. Your therapist no longer works at "
            "%(clinic)s; the clinic is finding you a new one, who will set them up with you."
        ) % {"clinic": episode.clinic.name}
    return _("Your therapist has not set up your modules yet.")


def module_opens_later(episode) -> str:
    if is_unguided(episode) or therapist_has_left(episode):
        return _("Opens when you get there")
    return _("Opens when you and your therapist get there")


def safety_plan_empty(episode) -> str:
    """The patient's own empty safety plan, while the treatment runs."""
    if has_reader(episode) and not therapist_has_left(episode):
        return _(
            "Your safety plan is still empty. Your therapist will go through it with you, "
            "or you can start it yourself."
        )
    # Nobody will go through it with them now: unguided care, or their therapist left.
    return _("Your safety plan is still empty. You can start it yourself, in your own words.")


def summary_therapist(episode) -> str:
    """The line of the treatment summary (PDF) that names the therapist: one who left is
    named as the patient's former therapist, not as the one who treats them now."""
    if episode.therapist_id is None:
        return ""
    name = episode.therapist.get_full_name() or episode.therapist.email
    if not therapist_has_left(episode):
        return _("Your therapist: %(name)s.") % {"name": name}
    if episode.status == "ended":
        return _("Your therapist was %(name)s, who no longer works at %(clinic)s.") % {
            "name": name,
            "clinic": episode.clinic.name,
        }
    return _(
        "Your therapist was %(name)s, who no longer works at %(clinic)s; the clinic is "
        "finding you a new therapist."
    ) % {"name": name, "clinic": episode.clinic.name}


def session_line(appointment, *, to_rebook: bool) -> str:
    """A booked session as the patient's pages name it: its kind, length and therapist;
    a coming session whose therapist has left (``to_rebook``, decision 0096) names
    nobody: it will not take place as booked."""
    kind = appointment.get_kind_display()
    kind = kind[:1].upper() + kind[1:]
    if to_rebook:
        return _("%(kind)s, %(minutes)s minutes: to be booked again") % {
            "kind": kind,
            "minutes": appointment.minutes,
        }
    return _("%(kind)s, %(minutes)s minutes, with %(therapist)s") % {
        "kind": kind,
        "minutes": appointment.minutes,
        "therapist": appointment.therapist,
    }


def session_to_rebook(clinic) -> str:
    """Said under a coming session whose therapist has left (decision 0096)."""
    return _(
        "This session will not take place: the therapist it was booked with no longer "
        "works at %(clinic)s. Do not come to it. The clinic will contact you to book a "
        "new time with another therapist."
    ) % {"clinic": clinic.name}


def summary_session_status(appointment, *, to_rebook: bool) -> str:
    """A session's status in the treatment summary (PDF): a coming session whose
    therapist has left is "to be booked again", as on the patient's pages (decision
    0096), not "booked"."""
    if to_rebook:
        return _("to be booked again")
    return appointment.get_status_display()


def summary_sessions_to_rebook(clinic) -> str:
    """Said under the summary's sessions when one of them is to be booked again."""
    return _(
        "A session to be booked again will not take place: the therapist it was booked "
        "with no longer works at %(clinic)s. Do not come to it. The clinic will contact "
        "you to book a new time with another therapist."
    ) % {"clinic": clinic.name}


def only_unguided(clinic) -> bool:
    return clinic.offers_unguided and not (clinic.offers_guided or clinic.offers_blended)


def clinic_offer(clinic) -> str:
    """The public page's one-line description of what the clinic offers."""
    if only_unguided(clinic):
        return _(
            "We offer self-help courses over the internet: you work through a programme at "
            "your own pace, from home. No therapist follows your work; automated "
            "reminders help you keep going, and the clinic's staff on duty can be reached "
            "from the course if you need help."
        )
    parts = []
    if clinic.offers_guided:
        parts.append(_("guided: a therapist follows your work and answers your messages"))
    if clinic.offers_blended:
        parts.append(_("blended: online work combined with sessions with your therapist"))
    if clinic.offers_unguided:
        parts.append(_("unguided: a self-help course without a therapist"))
    return _(
        "We offer psychological treatment over the internet, from home, at your own pace "
        "(%(models)s)."
    ) % {"models": "; ".join(str(p) for p in parts)}


def not_an_emergency(clinic) -> str:
    """The public pages' warning, with the country's emergency number in it (issue 14:
    "call the emergency number" alone leaves a visitor from abroad without one)."""
    number = emergency_number(clinic.country)
    if not number:
        return _(
            "This is not an emergency service. If you are thinking about harming yourself, "
            "call the emergency number now."
        )
    return _(
        "This is not an emergency service. If you are thinking about harming yourself, "
        "call %(number)s now."
    ) % {"number": number}


def after_applying(clinic) -> str:
    """What happens once an application is sent."""
    if clinic.offers_unguided and clinic.start_unguided_after_clean_screening:
        return _(
            "If your answers show no risk and fit one of our self-help courses, the course "
            "starts as soon as you send the application. Otherwise we look at your answers "
            "and contact you about the next step, usually within a few working days."
        )
    if only_unguided(clinic):
        return _(
            "We then look at your answers and tell you whether the course suits you, "
            "usually within a few working days."
        )
    return _(
        "We then look at your application and contact you about the next step, usually "
        "an assessment by phone or video, within a few working days."
    )
