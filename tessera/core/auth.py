"""Sign-in glue for django-allauth."""

import base64
import functools
import hashlib
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from . import audit, context, languages

# Set by intake's public pages (tessera.intake.views.apply), kept here so that core
# does not import intake.
INTAKE_SIGNUP_SESSION_KEY = "tessera_intake_signup"
INTAKE_NEXT_SESSION_KEY = "tessera_intake_next"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts are created by intake (self-referral) or by staff; open sign-up is
        # off unless a deployment switches it on. A person who started an application
        # on a clinic's public page (tessera.intake.views.apply) may sign up.
        if settings.TESSERA_OPEN_SIGNUP:
            return True
        session = getattr(request, "session", None)
        return bool(session is not None and session.get(INTAKE_SIGNUP_SESSION_KEY))

    def pre_authenticate(self, request, **credentials) -> None:
        """Refuse every password from a client address with too many recent failures."""
        if cache.get(_address_lock_key(request)):
            raise ValidationError(
                _("Too many failed sign-ins from your network. Please try again later.")
            )
        super().pre_authenticate(request, **credentials)

    def authentication_failed(self, request, **credentials) -> None:
        """Count a failed password for the client address (axes counts the account)."""
        from .models import User

        email = (credentials.get("email") or "").strip()
        account = User.objects.filter(email__iexact=email).first() if email else None
        audit.record("auth.sign_in_failed", actor=account, purpose="administration")
        ip = context.current().ip_address
        if not ip:
            return
        seconds = settings.TESSERA_LOCKOUT_MINUTES * 60
        key = f"tessera:signin-fail:ip:{ip}"
        if not cache.add(key, 1, seconds):
            try:
                count = cache.incr(key)
            except ValueError:
                count = 1 if cache.add(key, 1, seconds) else 0
            if count >= settings.TESSERA_LOCKOUT_FAILURES_PER_ADDRESS and cache.add(
                _address_lock_key(request), 1, seconds
            ):
                audit.record(
                    "auth.address_locked", purpose="administration", changes={"by": "address"}
                )

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's e-mails (address confirmation, password reset) in the recipient's own
        language, signed by Tessera rather than by the host name."""
        from .models import User

        user = context.get("user")
        if not isinstance(user, User):
            user = User.objects.filter(email__iexact=email).first()
        language = languages.preferred_language(user) or translation.get_language()
        site = SimpleNamespace(name="Tessera", domain=_site_domain())
        with translation.override(language):
            super().send_mail(template_prefix, email, {**context, "current_site": site})

    def get_login_redirect_url(self, request) -> str:
        # Back to the application the person was starting before they signed up or in.
        next_path = request.session.get(INTAKE_NEXT_SESSION_KEY, "")
        if next_path.startswith("/") and not next_path.startswith("//"):
            return next_path
        return super().get_login_redirect_url(request)


def _site_domain() -> str:
    return urlsplit(settings.TESSERA_SITE_URL).netloc or "localhost"


def _address_lock_key(request) -> str:
    return f"tessera:signin-lock:ip:{context.current().ip_address}"


def axes_username(request, credentials: dict | None = None) -> str | None:
    """The e-mail address a sign-in was for: allauth passes `email`, its form `login`."""
    value = (credentials or {}).get("email") or (credentials or {}).get("username")
    if not value and request is not None:
        value = getattr(request, "POST", {}).get("login")
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip().lower()
    if len(value) > 254:
        # No account has a longer address; axes' column holds 255 characters.
        return "too-long:" + hashlib.sha256(value.encode()).hexdigest()
    return value


@functools.cache
def _fernet() -> Fernet:
    key = settings.TESSERA_MFA_KEY
    if not key:
        digest = hashlib.sha256(("tessera-mfa:" + settings.SECRET_KEY).encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key)


class MFAAdapter(DefaultMFAAdapter):
    """Keeps TOTP secrets and recovery-code seeds encrypted in the database."""

    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _fernet().decrypt(encrypted_text.encode()).decode()
