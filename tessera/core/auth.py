"""Sign-in glue for django-allauth."""

import base64
import datetime as dt
import functools
import hashlib
import uuid
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import user_pk_to_url_str
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import audit, context, languages, notices

# Set by intake's public pages (tessera.intake.views.apply), kept here so that core
# does not import intake.
INTAKE_SIGNUP_SESSION_KEY = "tessera_intake_signup"
INTAKE_NEXT_SESSION_KEY = "tessera_intake_next"

# allauth's e-mails that go through the notifications outbox (docs/decisions/0029): the
# row keeps the template and the ids it needs, and the text (with a fresh password
# token or confirmation key) is written when the row is sent. allauth's security
# notices (ACCOUNT_EMAIL_NOTIFICATIONS) and codes by mail (both off) go the same way,
# as kind "account_security" (CODE_LIFETIME says how a code is kept).
RESET_MAIL = "account/email/password_reset_key"
UNKNOWN_ACCOUNT_MAIL = "account/email/unknown_account"
ALREADY_EXISTS_MAIL = "account/email/account_already_exists"
CONFIRM_SIGNUP_MAIL = "account/email/email_confirmation_signup"
CONFIRM_MAIL = "account/email/email_confirmation"
CONFIRMATION_MAIL = frozenset({CONFIRM_SIGNUP_MAIL, CONFIRM_MAIL})
QUEUED_MAIL = frozenset({RESET_MAIL, UNKNOWN_ACCOUNT_MAIL, ALREADY_EXISTS_MAIL})
# A code by mail (sign-in by code, password reset by code, address confirmation by code;
# all off now) is the secret itself and allauth keeps it in the session: it cannot be
# made again later. The row keeps it sealed (Fernet, a key of its own derived from
# SECRET_KEY) with the code's own lifetime, so a stale retry fails the row rather than
# sending a dead code, and the seal is wiped once the row is sent.
LOGIN_CODE_MAIL = "account/email/login_code"
RESET_CODE_MAIL = "account/email/password_reset_code"
CODE_LIFETIME = {
    LOGIN_CODE_MAIL: lambda: allauth_settings.LOGIN_BY_CODE_TIMEOUT,
    RESET_CODE_MAIL: lambda: allauth_settings.PASSWORD_RESET_BY_CODE_TIMEOUT,
    CONFIRM_SIGNUP_MAIL: lambda: allauth_settings.EMAIL_VERIFICATION_BY_CODE_TIMEOUT,
    CONFIRM_MAIL: lambda: allauth_settings.EMAIL_VERIFICATION_BY_CODE_TIMEOUT,
}
# The outbox kind of codes and security notices (password or address changed, second
# factor added or removed: allauth's ACCOUNT_EMAIL_NOTIFICATIONS, off now).
SECURITY_KIND = "account_security"


class AccountMailGone(LookupError):
    """The account a queued allauth e-mail was for is gone or closed."""


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
        if template_prefix in QUEUED_MAIL and _queue(template_prefix, email, context, language):
            return  # the outbox sends it, retries it, shows a failure to managers
        if template_prefix in CODE_LIFETIME and context.get("code"):
            sealed = {
                "sealed": _seal(str(context["code"])),
                "reauthentication": bool(context.get("reauthentication")),
            }
            if _queue(template_prefix, email, context, language, sealed, user=user):
                return
        with translation.override(language):
            super().send_mail(template_prefix, email, {**context, "current_site": _site()})

    def send_confirmation_mail(self, request, emailconfirmation, signup: bool) -> None:
        """The address confirmation through the outbox: the row keeps the EmailAddress's
        id (and the stored confirmation's id when HMAC keys are off), never the key."""
        address = emailconfirmation.email_address
        if not allauth_settings.EMAIL_VERIFICATION_BY_CODE_ENABLED:
            template = CONFIRM_SIGNUP_MAIL if signup else CONFIRM_MAIL
            language = languages.preferred_language(address.user) or translation.get_language()
            extra = {"address": address.pk}
            if getattr(emailconfirmation, "pk", None) is not None:  # a stored confirmation
                extra["confirmation"] = emailconfirmation.pk
            context = {"request": request, "user": address.user}
            if _queue(template, address.email, context, language, extra):
                return
        super().send_confirmation_mail(request, emailconfirmation, signup)

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        """allauth's security notices through the outbox: the row keeps the template, the
        account's id and the notice's plain values (when, from which address and browser,
        the old and new e-mail address); nothing else of the request."""
        from allauth.account.models import EmailAddress

        if not allauth_settings.EMAIL_NOTIFICATIONS:
            return
        email = email or EmailAddress.objects.get_primary_email(user)
        if not email:
            return
        notice = {
            "timestamp": timezone.now().isoformat(),
            "ip": self.get_client_ip(self.request),
            "user_agent": self.get_http_user_agent(self.request)[:200],
        }
        for name, value in (context or {}).items():
            if value is None or isinstance(value, (str, int, float, bool)):
                notice[name] = value
        language = languages.preferred_language(user) or translation.get_language()
        ctx = {"request": self.request, "user": user}
        if _queue(template_prefix, email, ctx, language, {"notice": notice}, user=user):
            return
        super().send_notification_mail(template_prefix, user, context, email)

    def get_login_redirect_url(self, request) -> str:
        # Back to the application the person was starting before they signed up or in.
        next_path = request.session.get(INTAKE_NEXT_SESSION_KEY, "")
        if next_path.startswith("/") and not next_path.startswith("//"):
            return next_path
        return super().get_login_redirect_url(request)


def _queue(
    template_prefix: str,
    email: str,
    context: dict,
    language: str,
    extra: dict | None = None,
    *,
    user=None,
) -> bool:
    """One outbox row for this e-mail. Stored: the template, the account's (and the
    EmailAddress's) id, the language and the address the request came to; never the
    token, the key or the link (a code only sealed, see CODE_LIFETIME). ``user``: the
    account of a code or notice."""
    from .models import User

    request = context.get("request") or allauth_context.request
    base = request.build_absolute_uri("/").rstrip("/") if request is not None else ""
    secure = bool(extra and ("sealed" in extra or "notice" in extra))
    needs_user = template_prefix == RESET_MAIL or template_prefix in CONFIRMATION_MAIL
    if not secure:
        user = context.get("user") if needs_user else None
    if (needs_user or "notice" in (extra or {})) and not isinstance(user, User):
        return False
    params = {"template": template_prefix, "language": language, "base": base, **(extra or {})}
    if user is not None:
        params["user"] = user.pk
    kind = SECURITY_KIND if secure else "account_mail"
    key = f"{kind}:{uuid.uuid4().hex}"  # each request for a link is its own mail
    clinic = _origin_clinic(request)
    return bool(
        notices.queue_account_mail(user, email, key=key, params=params, clinic=clinic, kind=kind)
    )


@functools.cache
def _code_fernet() -> Fernet:
    digest = hashlib.sha256(("tessera-outbox-code:" + settings.SECRET_KEY).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _seal(code: str) -> str:
    return _code_fernet().encrypt(code.encode()).decode()


def _unseal(sealed: str, lifetime: int) -> str:
    """The code, while it is still alive (Fernet's time stamp is the sealing)."""
    try:
        return _code_fernet().decrypt(sealed.encode(), ttl=lifetime).decode()
    except InvalidToken:
        raise AccountMailGone("code expired") from None


def _origin_clinic(request):
    """The clinic whose public page the person came from to sign up (intake keeps its
    slug in the session), so that its managers see the mail if it fails; else None."""
    from .models import Clinic

    session = getattr(request, "session", None)
    slug = session.get(INTAKE_SIGNUP_SESSION_KEY) if session is not None else None
    return Clinic.objects.filter(slug=slug).first() if isinstance(slug, str) and slug else None


def account_mail_text(params: dict, email: str, language: str) -> tuple[str, str]:
    """Subject and body of a queued allauth e-mail, written when the outbox sends it: the
    password link's token is made now (valid for PASSWORD_RESET_TIMEOUT from now)."""
    from .models import User

    template = params["template"]
    base = (params.get("base") or settings.TESSERA_SITE_URL).rstrip("/")
    ctx: dict = {"email": email, "current_site": _site(), "request": None}
    if "sealed" in params or "notice" in params:
        user = User.objects.filter(pk=params.get("user"), is_active=True).first()
        if params.get("user") is not None and user is None:
            raise AccountMailGone("account gone")
        ctx["user"] = user
        if "sealed" in params:
            if template not in CODE_LIFETIME or not params["sealed"]:
                raise AccountMailGone("template not queued")
            ctx["code"] = _unseal(params["sealed"], CODE_LIFETIME[template]())
            ctx["reauthentication"] = bool(params.get("reauthentication"))
        else:
            notice = dict(params["notice"])
            if notice.get("timestamp"):
                notice["timestamp"] = dt.datetime.fromisoformat(notice["timestamp"])
            ctx.update(notice)
    elif template == RESET_MAIL:
        user = User.objects.filter(pk=params.get("user"), is_active=True).first()
        if user is None:
            raise AccountMailGone("account gone")
        token = allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
        uid = user_pk_to_url_str(user)
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": uid, "key": token})
        ctx.update(user=user, uid=uid, key=token, password_reset_url=base + path)
    elif template in CONFIRMATION_MAIL:
        key = _confirmation_key(params, email)
        ctx.update(key=key, activate_url=base + reverse("account_confirm_email", args=[key]))
        ctx["user"] = User.objects.get(pk=params["user"])
    elif template == UNKNOWN_ACCOUNT_MAIL:
        ctx["signup_url"] = base + reverse("account_signup")
    elif template == ALREADY_EXISTS_MAIL:
        ctx["signup_url"] = base + reverse("account_signup")
        ctx["password_reset_url"] = base + reverse("account_reset_password")
    else:
        raise AccountMailGone("template not queued")
    with translation.override(language):
        message = AccountAdapter().render_mail(template, email, ctx)
    return message.subject, message.body


def _confirmation_key(params: dict, email: str) -> str:
    """allauth's confirmation key for the stored EmailAddress, made now (HMAC: valid for
    ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS from now), or the stored confirmation's key."""
    from allauth.account.models import EmailAddress, EmailConfirmation, EmailConfirmationHMAC

    address = (
        EmailAddress.objects.filter(
            pk=params.get("address"),
            email__iexact=email,
            user_id=params.get("user"),
            user__is_active=True,
        )
        .select_related("user")
        .first()
    )
    if address is None or address.verified:
        raise AccountMailGone("address gone or already confirmed")
    if "confirmation" not in params:
        return EmailConfirmationHMAC(address).key
    stored = EmailConfirmation.objects.filter(
        pk=params["confirmation"], email_address=address
    ).first()
    if stored is None:
        raise AccountMailGone("confirmation gone")
    return stored.key


def _site() -> SimpleNamespace:
    return SimpleNamespace(name="Tessera", domain=_site_domain())


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
