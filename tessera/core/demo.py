"""What every app's demo data shares: the demo accounts' secrets, who logs in, and the
context each app's ``demo.seed(ctx)`` receives. The seeder itself, which calls every
app's demo in order, is ``tessera.portal.demo``.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from .models import Episode, Region, User

# Demo only: the same published secret for every demo staff account, so that anyone
# trying the demo can add it to an authenticator app (or run `manage.py demo_totp`).
# seed() refuses to run outside demo mode, so no production account can have it.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
DEMO_PASSWORD = "tessera-demo-2026"
DOMAIN = "demo.tessera.test"

# Hashes of DEMO_PASSWORD, one per first hasher: the password hasher is slow on purpose
# (argon2, most of a second each), and forty demo accounts share the one published password.
_DEMO_PASSWORD_HASHES: dict[str, str] = {}


@dataclass
class DemoContext:
    region: Region
    clinics: dict  # slug -> Clinic
    staff: dict  # e-mail local part -> User
    patients: dict  # e-mail local part -> Patient
    logins: list


@dataclass(frozen=True)
class Login:
    email: str
    who: str
    second_factor: bool


def current_counter() -> int:
    return int(time.time()) // 30


def demo_email(local: str) -> str:
    return f"{local}@{DOMAIN}"


def demo_password_hash() -> str:
    """DEMO_PASSWORD hashed once per seeding: every demo account has the same published
    password, so a salt of its own per account protects nothing here."""
    hasher = settings.PASSWORD_HASHERS[0]
    if hasher not in _DEMO_PASSWORD_HASHES:
        _DEMO_PASSWORD_HASHES[hasher] = make_password(DEMO_PASSWORD)
    return _DEMO_PASSWORD_HASHES[hasher]


def demo_user(local: str, first: str, last: str) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(
        email=demo_email(local), defaults={"first_name": first, "last_name": last}
    )
    if created:
        user.password = demo_password_hash()
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user, created


def second_factor(user: User) -> None:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
        RecoveryCodes.activate(user)


def opened_before(episode, start: dt.date) -> None:
    """A course the demo begins in the past: its row dated a week before its start, as a
    referral's would be, not on the day the demo was seeded (reports count a course in
    care from the earlier of the two; decision 0107)."""
    Episode.objects.filter(pk=episode.pk).update(
        created_at=dt.datetime.combine(
            start - dt.timedelta(days=7), dt.time(10), tzinfo=timezone.get_current_timezone()
        )
    )
