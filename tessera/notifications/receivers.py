"""Mail about a person's account asked for by the core layer (core.notices), written to
the outbox here, and the texts of those kinds, written when they are sent."""

from __future__ import annotations

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tessera.core.actions.staff import invitation_text
from tessera.core.auth import AccountMailGone, account_mail_text
from tessera.core.models import ClinicRole
from tessera.core.notices import account_mail_wanted, account_notice_wanted, notice_wanted
from tessera.core.second_factor import lockout_text

from . import texts
from .delivery import Undeliverable, notify, notify_account_mail


@receiver(account_notice_wanted, dispatch_uid="notifications.account_notice")
def queue_account_notice(sender, user, kind, key, link, params, **kwargs) -> int:
    return len(notify(user, kind, key=key, link=link, params=params, channels={"email"}))


@receiver(account_mail_wanted, dispatch_uid="notifications.account_mail")
def queue_account_mail(
    sender, user, address, key, params, clinic=None, kind="account_mail", **kwargs
) -> int:
    link = reverse("account_login")
    rows = notify_account_mail(
        user, address, key=key, link=link, params=params, clinic=clinic, kind=kind
    )
    return len(rows)


@receiver(notice_wanted, dispatch_uid="notifications.notice")
def queue_notice(sender, user, kind, key, link, params=None, **kwargs) -> int:
    return len(notify(user, kind, key=key, link=link, params=params or {}))


def _grant(row) -> ClinicRole:
    grant = (
        ClinicRole.objects.select_related("clinic", "user").filter(pk=row.params["grant"]).first()
    )
    if grant is None:  # the role was taken back before the mail went: nothing to invite to
        raise Undeliverable("role removed")
    return grant


@texts.register_still_wanted("staff_invited", "staff_role_added")
def _grant_still_held(row) -> bool:
    """A role taken back before its mail went: withdrawn, "no longer needed", rather than
    failed and shown to the managers as a mail that did not go (decision 0105)."""
    if "grant" not in row.params:
        return True
    return ClinicRole.objects.filter(pk=row.params["grant"]).exists()


@texts.register("staff_invited", _("You are invited to work in Tessera"))
def staff_invited(row, language: str) -> tuple[str, str]:
    grant = _grant(row)
    return invitation_text(grant.user, grant.clinic, grant.role, texts.site_link(row, ""), True)


@texts.register("staff_role_added", _("You have a new role in Tessera"))
def staff_role_added(row, language: str) -> tuple[str, str]:
    grant = _grant(row)
    return invitation_text(grant.user, grant.clinic, grant.role, texts.site_link(row, ""), False)


@texts.register("mfa_locked", _("Tessera: sign-in codes refused"))
def mfa_locked(row, language: str) -> tuple[str, str]:
    return lockout_text(row.recipient, int(row.params["minutes"]), language)


@texts.register("account_mail", _("Account e-mail (sign-up or password reset)"))
def account_mail(row, language: str) -> tuple[str, str]:
    """allauth's text, written now: a password link's token is made at this moment."""
    try:
        return account_mail_text(row.params, row.to_address, language)
    except AccountMailGone as gone:  # the account is gone or closed: nothing to reset
        raise Undeliverable(str(gone)) from None


def _wipe_seal(row) -> None:
    """A sent code is not kept, even sealed."""
    if row.params.pop("sealed", None) is not None:
        row.save(update_fields=["params"])


@texts.register(
    "account_security",
    _("Account e-mail (sign-in code or security notice)"),
    on_sent=_wipe_seal,
)
def account_security(row, language: str) -> tuple[str, str]:
    """allauth's code or security notice, written now; a code past its lifetime fails the
    row at once rather than sending a dead code."""
    try:
        return account_mail_text(row.params, row.to_address, language)
    except AccountMailGone as gone:
        raise Undeliverable(str(gone)) from None
