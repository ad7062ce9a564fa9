"""A limit on second-factor codes, per account and per client address.

allauth's own limit on codes shares the "login_failed" rate limit with passwords, which
django-axes counts instead (settings.ACCOUNT_RATE_LIMITS), so Tessera counts wrong codes
here. After TESSERA_MFA_FAILURES wrong codes for one account (or
TESSERA_MFA_FAILURES_PER_ADDRESS from one address) within the lockout time, every code is
refused, the right one too, until the lockout ends; the account holder gets an e-mail.
Counts live in the cache, as allauth's record of used codes does (REDIS_URL with several
processes: docs/operations.md).
"""

from __future__ import annotations

import copy
import time

from allauth.mfa.base import forms as mfa_forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit, context, languages, notices

LOCKED_MESSAGE = gettext_lazy(
    "Too many incorrect codes. Signing in with a code is locked for a while; try again later."
)


def _seconds() -> int:
    return settings.TESSERA_MFA_LOCKOUT_MINUTES * 60


def _keys(user) -> list[tuple[str, str, int]]:
    """(count key, lock key, limit) for the account and for the client address."""
    keys = [
        (
            f"tessera:mfa-fail:user:{user.pk}",
            f"tessera:mfa-lock:user:{user.pk}",
            settings.TESSERA_MFA_FAILURES,
        )
    ]
    ip = context.current().ip_address
    if ip:
        keys.append(
            (
                f"tessera:mfa-fail:ip:{ip}",
                f"tessera:mfa-lock:ip:{ip}",
                settings.TESSERA_MFA_FAILURES_PER_ADDRESS,
            )
        )
    return keys


def is_locked(user) -> bool:
    return any(cache.get(lock) for _count, lock, _limit in _keys(user))


def _count(key: str) -> int:
    if cache.add(key, 1, _seconds()):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, _seconds())
        return 1


def record_failure(user) -> None:
    """Count one wrong code; lock the account or the address at its limit."""
    audit.record("auth.mfa_failed", actor=user, purpose="administration")
    for count_key, lock_key, limit in _keys(user):
        if _count(count_key) >= limit and cache.add(lock_key, 1, _seconds()):
            by = "account" if ":user:" in lock_key else "address"
            audit.record(
                "auth.mfa_locked", actor=user, purpose="administration", changes={"by": by}
            )
            if by == "account":
                _tell_account_holder(user)


def clear(user) -> None:
    cache.delete(f"tessera:mfa-fail:user:{user.pk}")


def _tell_account_holder(user) -> None:
    """One outbox row (core.notices): logged, sent once, retried if the mail server
    refuses. Written at once: this runs in autocommit (allauth's code step opens no
    transaction), beside the cache lock and the audit row, so a later failure of the
    request cannot take the notice back (docs/decisions/0029). Once per lockout: the key
    names the lock's start."""
    notices.tell_account_holder(
        user,
        "mfa_locked",
        key=f"mfa_locked:{user.pk}:{int(time.time())}",
        link=reverse("account_login"),
        params={"minutes": settings.TESSERA_MFA_LOCKOUT_MINUTES},
    )


def lockout_text(user, minutes: int, language: str) -> tuple[str, str]:
    """No clinical content: only that codes were refused, and what to do. In the account
    holder's own language (tessera.core.languages), not the one of whoever typed."""
    with translation.override(languages.preferred_language(user) or language):
        return (
            _("Tessera: sign-in codes refused"),
            _(
                "Someone gave the right password for your Tessera account but several wrong "
                "authenticator codes. Signing in with a code is locked for %(minutes)d "
                "minutes.\n\n"
                "If this was not you, change your password at once and tell your clinic.\n"
            )
            % {"minutes": minutes},
        )


class _Limited:
    def clean_code(self) -> str:
        if is_locked(self.user):
            audit.record("auth.mfa_refused_locked", actor=self.user, purpose="administration")
            raise ValidationError(LOCKED_MESSAGE)
        try:
            code = super().clean_code()
        except ValidationError:
            record_failure(self.user)
            if is_locked(self.user):
                raise ValidationError(LOCKED_MESSAGE) from None
            raise
        clear(self.user)
        return code


# A TOTP code has 6 digits and a recovery code 8 characters; anything much longer is not a
# code (allauth's own field has no limit).
CODE_MAX_LENGTH = 64


def _bounded_code(form_class):
    field = copy.deepcopy(form_class.base_fields["code"])
    field.max_length = CODE_MAX_LENGTH
    field.validators.append(MaxLengthValidator(CODE_MAX_LENGTH))
    field.widget.attrs["maxlength"] = str(CODE_MAX_LENGTH)
    return field


class AuthenticateForm(_Limited, mfa_forms.AuthenticateForm):
    code = _bounded_code(mfa_forms.AuthenticateForm)


class ReauthenticateForm(_Limited, mfa_forms.ReauthenticateForm):
    code = _bounded_code(mfa_forms.ReauthenticateForm)
