"""Getting in, in any browser and any order of steps (issue 14).

- Sign-up opened by a clinic's "Start my application" creates the draft application at
  once, in the browser that signed up; so confirming the e-mail address in another
  browser (the phone's mail app) and signing in there finds it on the home page.
- Confirming an address, or signing in with a verified one, attaches every unclaimed
  invitation that was sent to that address (``do_claim_invitation``: a verified address
  the invitation went to is the proof, as on the invitation page), so an invited person
  never needs to open the link a second time.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, user_logged_in, user_signed_up
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import get_language

from tessera.core.models import Clinic

from .actions import apply as apply_actions
from .models import Application, Status

SIGNUP_SESSION_KEY = "tessera_intake_signup"
NEXT_SESSION_KEY = "tessera_intake_next"
CLOSED = (Status.DUPLICATE, Status.DECLINED)


@receiver(user_signed_up, dispatch_uid="tessera-intake-start-at-sign-up")
def start_self_referral_at_sign_up(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is None or getattr(user, "is_staff_member", False):
        return
    slug = session.get(SIGNUP_SESSION_KEY)
    if not slug or session.get(NEXT_SESSION_KEY) != reverse("intake_start", args=[slug]):
        return  # an invitation, or sign-up opened some other way
    clinic = Clinic.objects.filter(slug=slug).first()
    if clinic is None or not clinic.accepts_self_referral:
        return
    apply_actions.do_start_application(
        clinic, applicant=user, language=(get_language() or "en")[:2]
    )


def attach_invitations(user) -> list[Application]:
    """Claim every open invitation sent to one of the user's verified addresses."""
    if getattr(user, "is_staff_member", False):
        return []
    addresses = list(
        EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    )
    if not addresses:
        return []
    claimed = []
    candidates = Application.objects.filter(applicant__isnull=True).exclude(status__in=CLOSED)
    for address in addresses:
        for application in candidates.filter(email__iexact=address.strip()):
            try:
                claimed.append(apply_actions.do_claim_invitation(application, user=user))
            except ValidationError:
                continue  # claimed meanwhile by someone else: the invitation page says so
    return claimed


@receiver(email_confirmed, dispatch_uid="tessera-intake-attach-on-confirm")
def attach_on_confirmation(sender, request, email_address, **kwargs) -> None:
    attach_invitations(email_address.user)


@receiver(user_logged_in, dispatch_uid="tessera-intake-attach-on-sign-in")
def attach_on_sign_in(sender, request, user, **kwargs) -> None:
    attach_invitations(user)
