"""Public keys a client publishes at a URL (its ``jwks_uri``), fetched and cached.

A client registered with a JWKS URL rotates keys on its side: Tessera fetches the set
over HTTPS when the cached copy is older than ``TESSERA_FHIR_JWKS_CACHE_SECONDS``, or
when an assertion names a ``kid`` the cached set lacks (at most once a minute, so an
unknown ``kid`` cannot make Tessera fetch on every request). A fetch reads at most
64 KiB within five seconds and follows no redirects. Only ``https`` URLs are fetched,
except for the hosts listed in ``TESSERA_FHIR_JWKS_HTTP_HOSTS`` (the tests' 127.0.0.1).
The cached set is kept on the client row (``jwks`` and ``jwks_fetched_at``).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from ..models import SystemClient

MAX_BYTES = 64 * 1024
TIMEOUT_SECONDS = 5.0
REFETCH_UNKNOWN_KID_AFTER = dt.timedelta(minutes=1)


class JWKSUnavailable(Exception):
    """The key set could not be fetched or read; the message says why."""


def check_url(url: str) -> str:
    """The URL if Tessera may fetch keys from it; ``ValueError`` otherwise."""
    parts = urlsplit(url or "")
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname in settings.TESSERA_FHIR_JWKS_HTTP_HOSTS:
        return url
    raise ValueError("a JWKS URL must be an https:// address")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(req.full_url, code, "redirects are not followed", headers, fp)


_OPENER = urllib.request.build_opener(_NoRedirects)


def fetch(url: str) -> dict:
    """The key set at ``url``, read within the size and time limits."""
    check_url(url)
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url, headers={"Accept": "application/json", "User-Agent": "Tessera-FHIR"}
    )
    deadline = time.monotonic() + TIMEOUT_SECONDS
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            body = bytearray()
            while chunk := response.read(8192):
                body += chunk
                if len(body) > MAX_BYTES:
                    raise JWKSUnavailable("the JWKS is larger than 64 KiB")
                if time.monotonic() > deadline:
                    raise JWKSUnavailable("the JWKS took longer than 5 seconds to arrive")
    except urllib.error.HTTPError as exc:
        raise JWKSUnavailable(f"the JWKS URL answered {exc.code}") from exc
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        # HTTPException: an answer that is not HTTP, or cut short (decision 0141).
        raise JWKSUnavailable(f"the JWKS URL cannot be reached: {exc}") from exc
    try:
        jwks = json.loads(bytes(body))
    except ValueError as exc:
        raise JWKSUnavailable("the JWKS URL did not answer JSON") from exc
    if not isinstance(jwks, dict):
        # Kept, a list or a string would break every later request (decision 0141).
        raise JWKSUnavailable("the JWKS URL did not answer a JSON object")
    return jwks


def _store(client: SystemClient, jwks: dict, now: dt.datetime) -> None:
    client.jwks, client.jwks_fetched_at = jwks, now
    SystemClient.objects.filter(pk=client.pk).update(jwks=jwks, jwks_fetched_at=now)


def current_jwks(client: SystemClient, *, kid: str | None, now: dt.datetime | None = None) -> dict:
    """The client's key set: registered, cached, or fetched again when stale or when it
    lacks ``kid``."""
    if not client.jwks_uri:
        return client.jwks
    now = now or timezone.now()
    fetched = client.jwks_fetched_at
    age = now - fetched if fetched else None
    stale = age is None or age > dt.timedelta(seconds=settings.TESSERA_FHIR_JWKS_CACHE_SECONDS)
    known = any(key.get("kid") == kid for key in (client.jwks or {}).get("keys", []))
    if stale or (not known and age > REFETCH_UNKNOWN_KID_AFTER):
        _store(client, fetch(client.jwks_uri), now)
    return client.jwks
