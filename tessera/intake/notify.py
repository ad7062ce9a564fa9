"""E-mails to applicants, and telling the intake team about an urgent application. They
never carry clinical content, names or the clinic's kind of care: only that there is
something to do, and a link to the platform."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from tessera.core import access, on_call
from tessera.core.models import Episode
from tessera.notifications import texts
from tessera.notifications.delivery import Undeliverable, notify, notify_address

from . import urgent
from .models import Application, ApplicationMessage, AssessmentBooking, Status
from .models.applications import CLOSED_STATUSES, OPEN_STATUSES

INVITE_SALT = "tessera.intake.invite"
INVITE_MAX_AGE = 14 * 24 * 3600  # an invitation link works for 14 days


def invite_token(application) -> str:
    return signing.dumps({"a": application.pk}, salt=INVITE_SALT)


def read_invite_token(token: str) -> int | None:
    """The application id in a valid, unexpired token; None otherwise."""
    try:
        return int(signing.loads(token, salt=INVITE_SALT, max_age=INVITE_MAX_AGE)["a"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def read_expired_invite_token(token: str) -> int | None:
    """The application id in a genuine token older than ``INVITE_MAX_AGE`` (the page then
    names the clinic to ask for a new link, as the valid link's page names it); None for
    a valid, altered or made-up one."""
    try:
        signing.loads(token, salt=INVITE_SALT, max_age=INVITE_MAX_AGE)
    except signing.SignatureExpired:
        try:
            return int(signing.loads(token, salt=INVITE_SALT)["a"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            return None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return None


def send_invitation(application, *, base_url: str = "") -> None:
    """Queue the invitation to complete an application to the address the referrer gave:
    one outbox row, in the caller's transaction, sent once after it commits and retried
    if the mail server refuses (docs/decisions/0029). base_url: scheme and host the link
    starts with (from the request), e.g. "https://tessera.example"; empty gives the site's
    (TESSERA_SITE_URL). The link's token is made when the mail is sent, never stored."""
    notify_address(
        application.email,
        "application_invited",
        key=f"application_invited:{application.pk}",
        link="",
        clinic=application.clinic,
        params={"application": application.pk, "base": base_url, "language": application.language},
    )


def send_information_request(application, *, key: str, base_url: str = "") -> None:
    """Queue "there is news about your application" to the applicant's account, or to the
    address on the application when there is no account yet; ``key`` names the request
    (once per key)."""
    link = reverse("intake_status", args=[application.pk])
    params = {"base": base_url, "language": application.language}
    kind, key = "information_requested", f"information_requested:{key}"
    if application.applicant_id:
        notify(
            application.applicant,
            kind,
            key=key,
            link=link,
            channels={"email"},
            params=params,
            clinic=application.clinic,
        )
    else:
        notify_address(
            application.email, kind, key=key, link=link, clinic=application.clinic, params=params
        )


@texts.register("application_invited", gettext_lazy("Please complete your application"))
def _invitation_text(row, language: str) -> tuple[str, str]:
    application = Application.objects.filter(pk=row.params["application"]).first()
    if application is None:
        raise Undeliverable("application removed")
    link = texts.site_link(row, reverse("intake_invite", args=[invite_token(application)]))
    with override(language):
        return (
            _("Please complete your application"),
            _(
                "You have been invited to complete an application in Tessera.\n\n"
                "Open this link to create an account and continue (it works for 14 days):\n"
                "%(link)s\n"
            )
            % {"link": link},
        )


def invitation_open(application) -> bool:
    """Whether the invitation's link still lets the person take the application up: not
    once it was declined or merged as a duplicate, nor once it was decided or referred
    elsewhere before anyone took it up (the invitation page then says the link no longer
    works: ``views.apply``)."""
    if application.status in (Status.DUPLICATE, Status.DECLINED):
        return False
    return not (application.applicant_id is None and application.status in CLOSED_STATUSES)


@texts.register_still_wanted("application_invited")
def _invitation_still_open(row) -> bool:
    """An invitation sent later than it was written (a refusing mail server is tried for
    up to an hour and a half) is withdrawn when its link would no longer work (0105)."""
    application = Application.objects.filter(pk=row.params.get("application")).first()
    return application is None or invitation_open(application)  # None: Undeliverable


@texts.register("information_requested", gettext_lazy("There is news about your application"))
def _information_text(row, language: str) -> tuple[str, str]:
    with override(language):
        return (
            _("There is news about your application"),
            _("Please sign in to Tessera to read it:\n%(link)s\n")
            % {"link": texts.site_link(row, row.link)},
        )


def tell_intake_team_about_urgent(application) -> int:
    """An urgent application reaches a person: each active intake coordinator, assessor
    and clinic manager of the clinic and each of its staff on call is notified by e-mail
    and text message, never held for quiet hours (an urgent kind, as risk alerts:
    ``notifications.delivery.URGENT_KINDS``), at most once per person and application.
    The notification says only that an urgent application waits, with a link to it.
    Of them, those on leave there that day are not told while any is at work (decision
    0160's follow-up). Returns the number of people told now.

    Telling them starts the acknowledgement window (``urgent.start_window``): one clock
    hour, day and night, as an urgent risk alert (``safety.rules.URGENT_WINDOW_HOURS``)."""
    if not application.urgent or application.status == "draft":
        return 0
    urgent.start_window(application)
    link = reverse("intake_application", args=[application.pk])
    roles = access.urgent_application_recipients(application.clinic_id).select_related("user")
    people = sorted({role.user for role in roles}, key=lambda user: user.pk)
    # Those at work that day; everyone only when every one is away (decision 0160).
    people = on_call.at_work_first(people, on_call.away_at(application.clinic, timezone.now()))
    told = 0
    for user in people:
        key = f"urgent_application:{application.pk}:{user.pk}"
        params = {"application": application.pk}  # withdrawn once it is closed (0105)
        if notify(
            user, "urgent_application", key=key, link=link, clinic=application.clinic, params=params
        ):
            told += 1
    return told


def tell(user, kind: str, obj_key: str, link: str, *, clinic=None, params=None) -> None:
    """One hand-over notification to one person (their channels, at most once per key).
    ``obj_key`` names the event, e.g. "booking:12"; nothing clinical is in it. ``clinic``:
    for an applicant, the clinic whose managers see it if it fails. ``params``: the ids
    it is about, asked again when it comes due (``_still_wanted`` below; ids only)."""
    if user is None:
        return
    notify(user, kind, key=f"{kind}:{obj_key}:{user.pk}", link=link, clinic=clinic, params=params)


def tell_applicant(application, kind: str, obj_key: str, *, params=None) -> None:
    """The applicant (once they have an account) is told there is news on their status
    page: a booked assessment, a decision."""
    if application.applicant_id is None:
        return
    tell(
        application.applicant,
        kind,
        obj_key,
        reverse("intake_status", args=[application.pk]),
        clinic=application.clinic,
        params=params,
    )


def tell_assessor(booking) -> None:
    tell(
        booking.assessor,
        "assessment_to_do",
        f"booking:{booking.pk}",
        reverse("intake_application", args=[booking.application_id]),
        params={"booking": booking.pk},
    )


def tell_new_therapist(episode) -> None:
    """A therapist to whom an episode was just given: a new patient in their caseload."""
    if episode.therapist_id is None:
        return
    tell(
        episode.therapist,
        "new_patient",
        f"episode:{episode.pk}",
        reverse("episode_overview", kwargs={"episode_id": episode.pk}),
        params={"episode": episode.pk},
    )


def tell_intake_team_applicant_wrote(application, message) -> int:
    """Each active intake coordinator of the clinic (else each of its intake roles) is
    told that an applicant wrote, with a link to the application; never what was written."""
    people = access.applicant_message_recipients(application.clinic_id)
    link = reverse("intake_application", args=[application.pk])
    params = {"application": application.pk, "message": message.pk}  # ids only (0105)
    for user in people:
        tell(user, "applicant_wrote", f"application_message:{message.pk}", link, params=params)
    return len(people)


def tell_about_unacknowledged_urgent(application, users) -> None:
    """The escalation of an urgent application nobody acknowledged in time: e-mail and
    text message to each person, once per application (the key), never held; it says only
    that an urgent application waits, with a link to it."""
    link = reverse("intake_application", args=[application.pk])
    for user in users:
        notify(
            user,
            "urgent_application_escalated",
            key=f"urgent_application_escalated:{application.pk}:{user.pk}",
            link=link,
            channels={"email", "sms"},
            clinic=application.clinic,
            params={"application": application.pk},
        )


# Asked again when a hand-over comes due (quiet hours, a refusing server's retries: hours
# after it was written). What it was about may have ended meanwhile; then it is withdrawn,
# not sent, and "no longer needed" in the person's history (decision 0105, part 2). A row
# written before the ids were kept in ``params`` is sent as before.


def _tell_whoever_is_told_now(row) -> None:
    """An urgent application's notice withdrawn (its recipient left): the clinic's intake
    team and staff on call now are told, while the application is open and nobody's
    acknowledgement holds; those told already hold the notice's key, so not twice. An
    applicant marked urgent is never left with a notice to nobody."""
    application = (
        Application.objects.open()
        .filter(pk=row.params.get("application"), urgent=True)
        .exclude(access.urgent_acknowledgement_holds())
        .select_related("clinic")
        .first()
    )
    if application is not None:
        tell_intake_team_about_urgent(application)


@texts.register_still_wanted(
    "urgent_application", "urgent_application_escalated", on_withdrawn=_tell_whoever_is_told_now
)
def _application_still_open(row) -> bool:
    """Not once the application was decided, declined, referred elsewhere or merged as a
    duplicate: it is then in someone's hands (the decision's), not the urgent queue's."""
    if "application" not in row.params:
        return True
    return Application.objects.open().filter(pk=row.params["application"]).exists()


@texts.register_still_wanted("assessment_booked", "assessment_to_do")
def _booking_still_on(row) -> bool:
    """Not once the booking was cancelled, or its application closed (declined, referred
    elsewhere, merged) before the assessment."""
    if "booking" not in row.params:
        return True
    return AssessmentBooking.objects.filter(
        pk=row.params["booking"],
        cancelled_at__isnull=True,
        application__status__in=OPEN_STATUSES,
    ).exists()


@texts.register_still_wanted("new_patient")
def _still_their_patient(row) -> bool:
    """Not once the episode was given to another therapist (who is told themselves), or
    ended. Also the kind core writes when a therapist is changed (``do_change_therapist``)."""
    if "episode" not in row.params:
        return True
    return (
        Episode.objects.filter(pk=row.params["episode"], therapist_id=row.recipient_id)
        .exclude(status=Episode.Status.ENDED)
        .exists()
    )


def _tell_who_reads_them_now(row) -> None:
    """An applicant's message whose notice was withdrawn (its recipient left, or no longer
    reads the clinic's applicant messages): whoever does now is told. What an applicant
    writes may say they are at risk: it is never left with a notice to nobody."""
    message = (
        ApplicationMessage.objects.filter(pk=row.params.get("message"))
        .select_related("application")
        .first()
    )
    if message is not None:
        tell_intake_team_applicant_wrote(message.application, message)


@texts.register_still_wanted("applicant_wrote", on_withdrawn=_tell_who_reads_them_now)
def _still_theirs_to_read(row) -> bool:
    """Sent while its recipient is still among those told that an applicant wrote (the
    clinic's intake coordinators, else its intake roles), whatever became of the
    application: a message after a decision is still to be read."""
    if "application" not in row.params:
        return True
    clinic_id = (
        Application.objects.filter(pk=row.params["application"])
        .values_list("clinic_id", flat=True)
        .first()
    )
    if clinic_id is None:
        return False
    return row.recipient_id in {u.pk for u in access.applicant_message_recipients(clinic_id)}
