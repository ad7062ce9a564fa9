"""Sign-in glue for django-allauth."""

import base64
import hashlib
from functools import cache

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings

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

    def get_login_redirect_url(self, request) -> str:
        # Back to the application the person was starting before they signed up or in.
        next_path = request.session.get(INTAKE_NEXT_SESSION_KEY, "")
        if next_path.startswith("/") and not next_path.startswith("//"):
            return next_path
        return super().get_login_redirect_url(request)


@cache
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
