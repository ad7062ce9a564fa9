"""E-mails to applicants. They never carry clinical content, names or the clinic's
kind of care: only that there is something to do, and a link to the platform."""

from __future__ import annotations

from django.core import signing
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

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
