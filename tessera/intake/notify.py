"""E-mails to applicants, and telling the intake team about an urgent application. They
never carry clinical content, names or the clinic's kind of care: only that there is
something to do, and a link to the platform."""

from __future__ import annotations

from django.core import signing
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from tessera.core import access
from tessera.notifications.delivery import notify

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


def send_invitation(application, *, base_url: str = "") -> None:
    """base_url: scheme and host the link starts with (from the request), e.g.
    "https://tessera.example"; empty gives a site-relative link."""
    link = base_url.rstrip("/") + reverse("intake_invite", args=[invite_token(application)])
    with override(application.language):
        send_mail(
            _("Please complete your application"),
            _(
                "You have been invited to complete an application in Tessera.\n\n"
                "Open this link to create an account and continue (it works for 14 days):\n"
                "%(link)s\n"
            )
            % {"link": link},
            None,
            [application.email],
        )


def send_information_request(application, *, base_url: str = "") -> None:
    link = base_url.rstrip("/") + reverse("intake_status", args=[application.pk])
    with override(application.language):
        send_mail(
            _("There is news about your application"),
            _("Please sign in to Tessera to read it:\n%(link)s\n") % {"link": link},
            None,
            [application.applicant.email if application.applicant else application.email],
        )


def tell_intake_team_about_urgent(application) -> int:
    """An urgent application reaches a person: each active intake coordinator, assessor
    and clinic manager of the clinic and each of its staff on call is notified through
    their own channels (quiet hours respected, at most once per person and application).
    The notification says only that an urgent application waits, with a link to it.
    Returns the number of people told now."""
    if not application.urgent or application.status == "draft":
        return 0
    link = reverse("intake_application", args=[application.pk])
    roles = access.urgent_application_recipients(application.clinic_id).select_related("user")
    people = sorted({role.user for role in roles}, key=lambda user: user.pk)
    told = 0
    for user in people:
        key = f"urgent_application:{application.pk}:{user.pk}"
        if notify(user, "urgent_application", key=key, link=link):
            told += 1
    return told
