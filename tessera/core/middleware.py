"""Request context for audit rows, idle timeouts, and the staff second-factor gate."""

from __future__ import annotations

import ipaddress
import json
import logging
import time
import uuid
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import context, languages
from .refusals import say_refused
from .sent_forms import sent_by_a_script, typed_in_a_form
from .validation import (
    has_control_characters,
    has_unstorable_characters,
    without_unstorable_characters,
)


def client_ip(request) -> str | None:
    """The client's address, trusting only as many proxies as configured. A forwarded
    hop that is not an address (a client that reached the app past the proxy, or a
    proxy that passes on what it was sent) is not taken: the audit row's column is an
    address (PostgreSQL's inet refused it, and with it every audited request)."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies and (hop := _address(hops[-proxies])):
            return hop
    return _address(request.META.get("REMOTE_ADDR") or "")


def _address(text: str) -> str | None:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if getattr(address, "scope_id", None):  # fe80::1%eth0: no column takes the zone
        return None
    return str(address)


class HostileHeadersMiddleware:
    """Headers and cookies no one types: control characters (NUL above all) and lone
    surrogates are taken out of every header before anything reads one, and a cookie
    holding them is not read at all (as if not sent), so that they never reach a query
    or a row. A NUL in the session cookie was a 500 on every page on PostgreSQL (the
    session's lookup), one in the User-Agent or Accept header a 500 on signing in (the
    sign-in attempt's row, django-axes) and on a security notice (its outbox row). First
    in MIDDLEWARE: the session is read after it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        for key, value in meta.items():
            if key.startswith("HTTP_") and isinstance(value, str):
                if has_unstorable_characters(value):
                    meta[key] = without_unstorable_characters(value)
        cookies = request.COOKIES
        if any(has_unstorable_characters(k + v) for k, v in cookies.items()):
            request.COOKIES = {
                k: v for k, v in cookies.items() if not has_unstorable_characters(k + v)
            }
        return self.get_response(request)


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = str(uuid.uuid4())
        token = context.set_current(
            context.RequestContext(
                user=request.user, ip_address=client_ip(request), request_id=request.request_id
            )
        )
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class PersonLocaleMiddleware:
    """A signed-in person's pages are in their own language and their clinic's time zone
    (tessera.core.languages). Runs after the session and authentication middleware; the
    language cookie follows, so that the site stays in that language after signing out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        language = zone = None
        if session is not None and request.user.is_authenticated:
            language = languages.supported(session.get(languages.LANGUAGE_SESSION_KEY))
            zone = session.get(languages.TIME_ZONE_SESSION_KEY)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        if zone:
            timezone.activate(zone)
        try:
            response = self.get_response(request)
        finally:
            if zone:
                timezone.deactivate()
        cookie = settings.LANGUAGE_COOKIE_NAME
        if language and request.COOKIES.get(cookie) != language and cookie not in response.cookies:
            response.set_cookie(
                cookie,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = context.current().request_id or "-"
        return True


# A cookie set when a session ends for idleness (signing in again starts a new session,
# so it cannot be kept there): the first page after signing in again puts back what was
# typed in a form sent too late, and removes the cookie (idle.js). It holds only "1".
IDLE_RESTORE_COOKIE = "tessera_restore_typed"


def idle_limit_seconds(user) -> int:
    minutes = (
        settings.TESSERA_IDLE_MINUTES_STAFF
        if user.is_staff_member
        else settings.TESSERA_IDLE_MINUTES_PATIENT
    )
    return minutes * 60


class IdleTimeoutMiddleware:
    """Sign out a session that has been idle longer than its role allows.

    The time last seen is written at most once a minute (``TOUCH_SECONDS``): writing it
    on every request saved the session, one UPDATE, on every page. A session can
    therefore be signed out up to a minute before its limit, never after it."""

    KEY = "tessera_last_seen"
    TOUCH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(self.KEY)
            if last_seen is not None and now - last_seen > idle_limit_seconds(request.user):
                logout(request)
                messages.info(request, _("You were signed out after a period of inactivity."))
                if sent_by_a_script(request):
                    return _signed_out_fragment()
                return _sign_in_again(request)
            if last_seen is None or now - last_seen >= self.TOUCH_SECONDS:
                request.session[self.KEY] = now
            return self.get_response(request)
        if (
            getattr(request, "signed_out_elsewhere", False)
            and request.method == "GET"
            and not sent_by_a_script(request)
        ):
            # The first page opened after the password was changed, or the login closed,
            # in another browser: it (or the sign-in page it sends to) says why; it was
            # silent. Once: the session that held the person is emptied by now.
            messages.info(
                request,
                _(
                    "You were signed out: your password was changed, or your access was "
                    "closed, since you signed in in this browser."
                ),
            )
        response = self.get_response(request)
        if sent_by_a_script(request) and _sends_to_sign_in(response):
            return _signed_out_fragment()
        if request.method == "POST" and _sends_to_sign_in(response):
            # A form sent after the session ended some other way (its cookie expired,
            # or the person signed out in another tab): the same as an idle sign-out,
            # so what was typed comes back after signing in (issue 14).
            say_refused(request, _("You were signed out before this form was sent."))
            return _sign_in_again(request)
        return response


def _sends_to_sign_in(response) -> bool:
    location = response.get("Location", "") if response.status_code == 302 else ""
    return location.startswith(f"{reverse('account_login')}?")


def _signed_out_fragment() -> HttpResponse:
    """A script's request (``sent_by_a_script``: a draft's autosave) after the session
    ended: a line for its status (errors.js swaps a 401 into a role="status" target;
    worksheet.js says it is signed out). The browser followed the redirect to the
    sign-in page and htmx put the whole page, header and form, into the message form's
    status line."""
    text = _("You have been signed out, so this was not saved. Sign in again before you send it.")
    return HttpResponse(escape(text), status=401, content_type="text/html; charset=utf-8")


def _sign_in_again(request):
    """To the sign-in page, then back to the page the person was on, where idle.js puts
    back what they had typed (told so by a cookie holding only "1")."""
    next_path = return_address(request)
    return restoring_typed_text(
        redirect(f"{reverse('account_login')}?{urlencode({'next': next_path})}")
    )


def restoring_typed_text(response, *, refused: bool = False):
    """The response, telling idle.js on the next page to put back what was typed there
    (a cookie holding only "1", for an hour). ``refused``: the form was refused (its
    page says why), not lost to a sign-out: the cookie holds "refused", and the line
    idle.js shows says so."""
    response.set_cookie(
        IDLE_RESTORE_COOKIE,
        "refused" if refused else "1",
        max_age=3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def return_address(request) -> str:
    """Where to go after signing in again: the page itself for a GET; for anything else
    (a form sent after the session ended) the page the form was on, never the POST-only
    address, which would answer 405. idle.js keeps what was typed in that form."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return reverse("home")


# Pages a staff member without a second factor may still reach: signing in and out,
# setting up the factor, changing language, static files (and the icon), health checks.
# The FHIR interfaces for systems (referrals, the read API, bulk export, SMART token
# endpoint) authenticate by bearer token, never by session.
SECOND_FACTOR_EXEMPT_PREFIXES = (
    "/accounts/",
    "/static/",
    "/favicon.ico",
    "/healthz",
    "/i18n/",
    "/fhir/metadata",
    "/fhir/ServiceRequest",
    "/fhir/.well-known/",
    "/fhir/auth/",
    "/fhir/Patient/",
    "/fhir/EpisodeOfCare",
    "/fhir/Observation",
    "/fhir/QuestionnaireResponse",
    "/fhir/$export",
    "/fhir/Group/",
    "/fhir/bulk/",
)


class StaffSecondFactorMiddleware:
    """Staff cannot reach anything but account pages until a second factor is set up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.is_staff_member
            and not user.has_second_factor
            and not request.path.startswith(SECOND_FACTOR_EXEMPT_PREFIXES)
        ):
            if request.method == "POST":
                # A write refused at this gate (the factor removed in another browser
                # while a form was open) is a denial, audited as the handlers' are.
                from .views.errors import _record_denied

                _record_denied(request, 403)
            if typed := typed_in_a_form(request):
                # A form sent after the factor was removed in another browser: what was
                # typed is shown back to copy (the redirect below dropped it).
                context = {"second_factor": True, "typed": typed}
                return render(request, "errors/403.html", context, status=403)
            messages.warning(
                request,
                _("Set up a second factor before you can work with patients' records."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class HostileInputMiddleware:
    """Answer 400 for control characters (NUL among them) in the path, the query string
    or a form body, before any view or audit row sees them. JSON bodies are checked by
    the FHIR interface; file contents are not text and are not checked."""

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._hostile(request):
            if request.path.startswith("/fhir/"):
                return self._operation_outcome()
            return render(request, "errors/400.html", {"reason": "control_characters"}, status=400)
        return self.get_response(request)

    @staticmethod
    def _operation_outcome() -> HttpResponse:
        """The FHIR interface's own refusal (a client reads an OperationOutcome, not the
        site's HTML page); written here, as core may not import the FHIR app."""
        issue = {
            "severity": "error",
            "code": "invalid",
            "diagnostics": "control characters are not allowed in the path or query",
            "expression": ["(request)"],
        }
        body = json.dumps({"resourceType": "OperationOutcome", "issue": [issue]})
        return HttpResponse(body, content_type="application/fhir+json", status=400)

    def _hostile(self, request) -> bool:
        if has_control_characters(request.path):
            return True
        values = [v for key in request.GET for v in [key, *request.GET.getlist(key)]]
        if request.method == "POST" and request.content_type in self.FORM_TYPES:
            values += [v for key in request.POST for v in [key, *request.POST.getlist(key)]]
        return any(has_control_characters(v) for v in values)


class PrivatePagesNoStoreMiddleware:
    """Pages for a signed-in person are never kept by the browser or a proxy (a shared
    computer must not show a patient's page from its cache after sign-out; issue 14).
    A response that sets its own Cache-Control (a file download) keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False) and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
