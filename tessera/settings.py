"""Tessera's one settings module, configured from the environment.

Every setting that differs between the demo, the tests and production is read from an
environment variable here; docs/operations.md lists them. Secrets may also be given as
a file path in NAME_FILE (e.g. TESSERA_SECRET_KEY_FILE), as container platforms do.
"""

import json
import os
import tempfile
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(env(name, str(default)))


DEBUG = envbool("TESSERA_DEBUG")
HTTPS = envbool("TESSERA_HTTPS")
DEMO = DEBUG or envbool("TESSERA_DEMO")

_INSECURE_KEY = "insecure-demo-and-test-key-never-used-in-production-0123456789"
SECRET_KEY = env("TESSERA_SECRET_KEY", _INSECURE_KEY if not HTTPS else "")
ALLOWED_HOSTS = [h for h in env("TESSERA_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("TESSERA_CSRF_TRUSTED_ORIGINS").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "tessera.automation",
    "tessera.core",
    "tessera.treatment",
    "tessera.programs",
    "tessera.instruments",
    "tessera.notifications",
    "tessera.messaging",
    "tessera.feedback",
    "tessera.workload",
    "tessera.inbox",
    "tessera.consultation",
    "tessera.intake",
    "tessera.safety",
    "tessera.appointments",
    "tessera.letters",
    "tessera.fhir",
    "tessera.portal",
    "tessera.research",
    "tessera.reports",
]

MIDDLEWARE = [
    "tessera.core.middleware.HostileHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "tessera.core.identity.IdentityAuthenticationMiddleware",
    "tessera.core.middleware.RequestContextMiddleware",
    "tessera.core.middleware.PrivatePagesNoStoreMiddleware",
    "tessera.core.middleware.PersonLocaleMiddleware",
    "tessera.core.middleware.HostileInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tessera.core.middleware.IdleTimeoutMiddleware",
    "tessera.core.middleware.StaffSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "axes.middleware.AxesMiddleware",
    # Innermost: a view's write ended by someone else's at the same moment (decision 0149).
    "tessera.core.conflicts.ConflictMiddleware",
]

ROOT_URLCONF = "tessera.urls"
WSGI_APPLICATION = "tessera.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tessera" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tessera.portal.navigation.navigation",
                "tessera.core.context_processors.idle_warning",
                # The CSRF token as Django's processor gives it, masked more cheaply
                # (decision 0077); Django's own runs first and this one's value wins.
                "tessera.core.context_processors.csrf",
            ],
            # ``{% url %}`` with the addresses kept per process, ``{% extends %}`` with
            # the parent's blocks found once per compiled parent (issue 16).
            "builtins": [
                "tessera.core.templatetags.cached_url",
                "tessera.core.templatetags.kept_blocks",
            ],
            # ``{% load i18n %}``: Django's library, its literal ``{% translate %}`` kept
            # per language (issue 16, decision 0073).
            # ``{% load cache %}``: Django's library, its fragments in the ``fragments``
            # cache (this process's memory) kept in a dict (decision 0077).
            "libraries": {
                "i18n": "tessera.core.templatetags.kept_i18n",
                "cache": "tessera.core.kept_fragments",
            },
        },
    },
]

# Forms: Django's renderer, its common widgets drawn in Python, character for
# character as its templates draw them (issue 16, decision 0094).
FORM_RENDERER = "tessera.core.drawn_widgets.DrawnWidgets"

# Database: SQLite unless DATABASE_URL names another (PostgreSQL 15+ in production).
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Behind HTTPS (production) a connection is kept for a minute between requests,
        # checked before reuse; opening one costs more than most pages' queries.
        conn_max_age=envint("TESSERA_DB_CONN_MAX_AGE", 60 if HTTPS else 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE: a transaction takes the write lock when it begins, so two writers wait
    # for each other (up to the timeout) instead of one failing with "database is locked"
    # when it tries to upgrade a read lock.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    # Tests use a file, not memory: the browser journeys' live server then gets its own
    # connections, so a page's autosave and a click can run at the same time.
    # One file per process, so that two test runs never share one.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"tessera-test-{os.getpid()}.sqlite3")
    }
# The reads compiled once per process (core.prepared: the patient home's) are prepared
# on the PostgreSQL server once per connection, so it does not parse and plan them on
# every request (decision 0060). Off behind a pooler that cannot keep prepared
# statements (PgBouncer in transaction mode before 1.21).
TESSERA_PREPARED_STATEMENTS = envbool("TESSERA_PREPARED_STATEMENTS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail login, verification and reset; the MFA app for second factors.
# Replacing the login provider (e-ID / OIDC) is configuration: docs/operations.md.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_ADAPTER = "tessera.core.auth.AccountAdapter"
MFA_ADAPTER = "tessera.core.auth.MFAAdapter"
# Second-factor secrets are encrypted at rest with this key (default: derived from
# SECRET_KEY). Changing it makes existing authenticators unreadable.
TESSERA_MFA_KEY = env("TESSERA_MFA_KEY")
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Tessera: "
# Failed passwords are counted and locked out by django-axes (below). allauth's
# "login_failed" limit also covers second-factor codes, so switching it off switches
# those off too: tessera.core.second_factor counts wrong codes instead (its forms below).
ACCOUNT_RATE_LIMITS = {"login_failed": None}
MFA_FORMS = {
    "authenticate": "tessera.core.second_factor.AuthenticateForm",
    "reauthenticate": "tessera.core.second_factor.ReauthenticateForm",
}
# Wrong second-factor codes before a lockout: per account, and per client address.
TESSERA_MFA_FAILURES = envint("TESSERA_MFA_FAILURES", 5)
TESSERA_MFA_FAILURES_PER_ADDRESS = envint("TESSERA_MFA_FAILURES_PER_ADDRESS", 20)
TESSERA_MFA_LOCKOUT_MINUTES = envint("TESSERA_MFA_LOCKOUT_MINUTES", 15)
# A clinic with this many security events in 15 minutes tells its managers (docs/security.md).
TESSERA_SECURITY_BURST = envint("TESSERA_SECURITY_BURST", 20)
# Wrong date-of-birth / identity-number answers on one invitation link per 24 hours.
TESSERA_INVITE_CONFIRM_ATTEMPTS = envint("TESSERA_INVITE_CONFIRM_ATTEMPTS", 5)
# WebAuthn is left out for now: see docs/decisions/0003-sign-in.md.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Tessera"
TESSERA_OPEN_SIGNUP = envbool("TESSERA_OPEN_SIGNUP")
# Seconds an incoming FHIR referral may take to validate before it is refused (422).
TESSERA_FHIR_VALIDATION_SECONDS = float(env("TESSERA_FHIR_VALIDATION_SECONDS", "5"))
# The public base of the FHIR endpoints (default: this site's /fhir).
TESSERA_FHIR_BASE_URL = env("TESSERA_FHIR_BASE_URL")
# SMART Backend Services: how long an access token lasts (seconds).
TESSERA_FHIR_TOKEN_SECONDS = envint("TESSERA_FHIR_TOKEN_SECONDS", 300)
# Clock skew allowed between a client and Tessera (seconds): a client assertion whose exp
# passed up to this long ago is still accepted, and exp may lie this much beyond five
# minutes ahead (docs/fhir.md, "Clock skew").
TESSERA_FHIR_ASSERTION_LEEWAY_SECONDS = envint("TESSERA_FHIR_ASSERTION_LEEWAY_SECONDS", 30)
# Clients registered with a JWKS URL: how long the fetched keys are cached (seconds), and
# the hosts whose keys may be fetched over plain http (none in production; the tests
# list 127.0.0.1). Every other JWKS URL must be https.
TESSERA_FHIR_JWKS_CACHE_SECONDS = envint("TESSERA_FHIR_JWKS_CACHE_SECONDS", 3600)
TESSERA_FHIR_JWKS_HTTP_HOSTS: list[str] = []
# Bulk Data export: where the NDJSON files are written (never served as media), how many
# hours they are kept, and how many episodes the worker reads per batch.
TESSERA_FHIR_EXPORT_DIR = Path(
    env("TESSERA_FHIR_EXPORT_DIR", str(BASE_DIR / "var" / "fhir-exports"))
)
TESSERA_FHIR_EXPORT_HOURS = envint("TESSERA_FHIR_EXPORT_HOURS", 24)
TESSERA_FHIR_EXPORT_BATCH = envint("TESSERA_FHIR_EXPORT_BATCH", 500)
# Parallel export: a job is split into parts of about this many episodes (by ranges of
# patient ids, at most _PARTS_MAX parts), each claimed by one task worker; the kick-off
# asks for up to _WORKERS workers; a part without a heartbeat for _STALE_SECONDS (its
# worker died) is taken again by tasks.resume_stalled_exports.
TESSERA_FHIR_EXPORT_PART_EPISODES = envint("TESSERA_FHIR_EXPORT_PART_EPISODES", 5000)
TESSERA_FHIR_EXPORT_PARTS_MAX = envint("TESSERA_FHIR_EXPORT_PARTS_MAX", 16)
TESSERA_FHIR_EXPORT_WORKERS = envint("TESSERA_FHIR_EXPORT_WORKERS", 2)
TESSERA_FHIR_EXPORT_PART_STALE_SECONDS = envint("TESSERA_FHIR_EXPORT_PART_STALE_SECONDS", 600)
# The demo's record system keeps its private key here (seed_demo writes it,
# manage.py fhir_demo_client reads it).
TESSERA_FHIR_DEMO_CLIENT_DIR = Path(
    env("TESSERA_FHIR_DEMO_CLIENT_DIR", str(BASE_DIR / "var" / "fhir-demo-client"))
)
# Optional OIDC / e-ID provider (allauth.socialaccount.providers.openid_connect).
TESSERA_OIDC_PROVIDER = env("TESSERA_OIDC_PROVIDER")
if TESSERA_OIDC_PROVIDER:
    INSTALLED_APPS += ["allauth.socialaccount", "allauth.socialaccount.providers.openid_connect"]
    SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": TESSERA_OIDC_PROVIDER,
                    "name": env("TESSERA_OIDC_NAME", "e-ID"),
                    "client_id": env("TESSERA_OIDC_CLIENT_ID"),
                    "secret": env("TESSERA_OIDC_CLIENT_SECRET"),
                    "settings": {"server_url": env("TESSERA_OIDC_SERVER_URL")},
                }
            ]
        }
    }
    # Let the sign-in form hand over to the provider (CSP form-action covers redirects).
    _OIDC_ORIGIN = "/".join(env("TESSERA_OIDC_SERVER_URL").split("/")[:3])

# django-axes: lock out an account (its e-mail address, from any client address) after
# repeated failed passwords. allauth authenticates with `email=`, so axes is given the
# address by tessera.core.auth.axes_username. Failures from one client address across
# accounts are counted separately, with a higher limit (tessera.core.auth.AccountAdapter),
# so that one clinic's shared address is not locked by five typing errors.
AXES_FAILURE_LIMIT = envint("TESSERA_LOCKOUT_FAILURES", 5)
TESSERA_LOCKOUT_MINUTES = envint("TESSERA_LOCKOUT_MINUTES", 15)
AXES_COOLOFF_TIME = TESSERA_LOCKOUT_MINUTES / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username"]]
AXES_USERNAME_CALLABLE = "tessera.core.auth.axes_username"
TESSERA_LOCKOUT_FAILURES_PER_ADDRESS = envint("TESSERA_LOCKOUT_FAILURES_PER_ADDRESS", 30)
# axes warns (W006) when its parameters lack the client address: here the address is
# limited by the adapter above, with its own, higher limit, which axes cannot express.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# The template libraries "i18n" and "cache" are named twice on purpose: TEMPLATES'
# "libraries" makes {% load i18n %} load Django's own with its literal translations
# kept (decision 0073), {% load cache %} Django's own with the fragments in this
# process's memory kept in a dict (decision 0077). Django warns of any name found twice
# (W003); tests/core/test_kept_translations.py runs that check and fails if any other
# name is found twice.
SILENCED_SYSTEM_CHECKS.append("templates.W003")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The covering indexes' INCLUDE columns (issue 16) are for PostgreSQL; SQLite keeps
    # the indexes on their key columns alone. Its warning (W040, seven of them) was
    # printed before the output of every manage.py command on the development database.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
    # Nor does it make a unique constraint with INCLUDE columns (W039: the staff's
    # security events by clinic, core 0030); core 0031 gives SQLite a unique index on
    # its key columns instead, which keeps each event filed once per clinic.
    SILENCED_SYSTEM_CHECKS.append("models.W039")
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_IPWARE_PROXY_COUNT = envint("TESSERA_PROXY_COUNT", 0)
AXES_VERBOSE = False

# Idle timeouts in minutes (the session also ends when the browser closes).
TESSERA_IDLE_MINUTES_STAFF = envint("TESSERA_IDLE_MINUTES_STAFF", 30)
TESSERA_IDLE_MINUTES_PATIENT = envint("TESSERA_IDLE_MINUTES_PATIENT", 60)
# The warning with "Stay signed in" comes this many seconds before (WCAG 2.2.1).
TESSERA_IDLE_WARNING_SECONDS = envint("TESSERA_IDLE_WARNING_SECONDS", 120)
# With a cache shared by every app server (REDIS_URL: production, the load bench),
# sessions are read from it and written to both it and the database
# (tessera.core.sessions); without one, from the database alone: a cache in each
# process's memory would keep a session another process has ended (decision 0063).
SESSION_ENGINE = (
    "tessera.core.sessions" if env("REDIS_URL") else "django.contrib.sessions.backends.db"
)
# The signed-in person kept per process between requests, checked against one counter
# in the database on every request (tessera.core.identity). On by default, with or
# without Redis: the check is in the database, so no cache need be shared (decision
# 0074). The suite keeps it as before (tests/conftest.py: on only with REDIS_URL).
TESSERA_IDENTITY_CACHE = envbool("TESSERA_IDENTITY_CACHE", True)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en"
# The interface languages, and the languages stored content and preferences may be in
# (tessera.core.models.organisation.LANGUAGE_CHOICES reads this list). Adding a language
# is a line here and a catalogue in tessera/locale/<code>/ (decision 0017).
LANGUAGES = [
    ("en", _("English")),
    ("sv", _("Swedish")),
    ("nb", _("Norwegian")),
    ("da", _("Danish")),
    ("nl", _("Dutch")),
]
# Date, time and number formats per language, where Tessera differs from Django's own
# (tessera/formats/<code>/formats.py).
FORMAT_MODULE_PATH = ["tessera.formats"]
LOCALE_PATHS = [BASE_DIR / "tessera" / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "tessera" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if envbool("TESSERA_STATIC_MANIFEST", HTTPS)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = env("TESSERA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("TESSERA_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("TESSERA_EMAIL_PORT", 25)
EMAIL_HOST_USER = env("TESSERA_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("TESSERA_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("TESSERA_EMAIL_USE_TLS")
# Seconds to wait for the mail server at each step. Django's default is to wait for ever:
# a server that took the connection and then said nothing held the worker, and every
# notification behind it (risk alerts too). Timed out, the row is tried again later
# (tessera/notifications/delivery.py; decision 0141).
EMAIL_TIMEOUT = envint("TESSERA_EMAIL_TIMEOUT", 10)
# The address people use to reach Tessera, for links in e-mails sent outside a request.
TESSERA_SITE_URL = env("TESSERA_SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env("TESSERA_FROM_EMAIL", "Tessera <no-reply@tessera.invalid>")

# Notifications (tessera/notifications): SMS through a pluggable backend (a dotted path
# to a class with send(); the console one logs only the recipient's id and the kind).
TESSERA_SMS_BACKEND = env("TESSERA_SMS_BACKEND", "tessera.notifications.sms.ConsoleBackend")
# The automation sweep (which escalates risk alerts) should run every five minutes; when
# its last good run is older than this, /healthz says "degraded" and the risk alert list
# warns staff (tessera/core/jobs.py).
TESSERA_SWEEP_MAX_AGE_MINUTES = envint("TESSERA_SWEEP_MAX_AGE_MINUTES", 10)

# Background work: immediate in the demo and tests, the database worker in production.
TASKS = {
    "default": {
        "BACKEND": env("TESSERA_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    }
}

CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("REDIS_URL"),
            # A cache that cannot be reached answers within half a second, so that the
            # sessions (tessera.core.sessions) fall back to the database at once.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if env("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # The signed-in person between requests (tessera.core.identity, decision 0063): in
    # each process's memory, used only while the database's counter for the login is
    # unchanged, so a change made on any server is seen by every server at once.
    "identities": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "tessera-identities",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 10000},
    },
    # The parts of base.html that depend only on the language (the language menu, the
    # sign-out warnings): kept in each process's memory, never in Redis (a round trip
    # would cost more than drawing them), and holding no one's data (issue 16).
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "tessera-fragments",
        "TIMEOUT": None,
    },
}

# Rate limits (tessera/core/ratelimits.py, docs/operations.md "Rate limits"): one name per
# limit, a count per period ("20/h"; s, m, h or d), None to switch one off. Counted per
# client address in the cache above by django-ratelimit, which is deliberately not in
# INSTALLED_APPS: its system check refuses the local-memory cache of development and
# tests. If the cache fails, requests are let through, as the earlier throttle did.
TESSERA_RATE_LIMITS = {
    # Valid referrals sent by the professionals' web form, per address.
    "referral_form": env("TESSERA_RATE_REFERRAL_FORM", "20/h") or None,
    # Referrals one FHIR token may create; each one e-mails an invitation, so this also
    # limits invitations per referring organisation.
    "fhir_referral": env("TESSERA_FHIR_REFERRAL_RATE", "30/h") or None,
    # Requests to the SMART token endpoint (POST /fhir/auth/token), per address.
    "fhir_token": env("TESSERA_RATE_FHIR_TOKEN", "30/m") or None,
    # Bulk Data exports ($export) one system client may start.
    "fhir_export": env("TESSERA_RATE_FHIR_EXPORT", "10/h") or None,
}
# A clinic's own rates, by the clinic's slug, as JSON: {"nord": {"referral_form": "5/h"}}.
TESSERA_CLINIC_RATE_LIMITS = json.loads(env("TESSERA_CLINIC_RATE_LIMITS", "{}") or "{}")
# What a clinic's managers may choose for their clinic (Clinic settings, "Rate limits"):
# per limit name, the lowest and highest count per hour, as JSON. Limits not named here
# are the operator's alone.
TESSERA_CLINIC_RATE_BOUNDS = json.loads(
    env("TESSERA_CLINIC_RATE_BOUNDS", "")
    or '{"referral_form": [1, 100], "fhir_referral": [1, 200]}'
)
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = True

# Content-Security-Policy: no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF] + ([_OIDC_ORIGIN] if TESSERA_OIDC_PROVIDER else []),
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = False
# A form from a page drawn before the person last signed in: back to that page with the
# text put back, not Django's English page (tessera.core.views.errors.csrf_failure).
CSRF_FAILURE_VIEW = "tessera.core.views.errors.csrf_failure"
if HTTPS:
    SECURE_SSL_REDIRECT = envbool("TESSERA_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("TESSERA_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("TESSERA_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Logs carry ids and event codes only: never names, answers or message text.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "filters": {"request_id": {"()": "tessera.core.middleware.RequestIdLogFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("TESSERA_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Fernet key that encrypts `manage.py backup` files (docs/security.md).
TESSERA_BACKUP_KEY = env("TESSERA_BACKUP_KEY")
# Uploaded content (module images, audio, video). Not patient data.
MEDIA_ROOT = Path(env("TESSERA_MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
# Largest content package accepted for import, and largest single file inside it.
TESSERA_PACKAGE_MAX_BYTES = envint("TESSERA_PACKAGE_MAX_BYTES", 200 * 1024 * 1024)
TESSERA_PACKAGE_MAX_FILE_BYTES = envint("TESSERA_PACKAGE_MAX_FILE_BYTES", 100 * 1024 * 1024)
