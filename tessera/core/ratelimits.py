"""One rate-limit mechanism for the project: named limits, counted by django-ratelimit.

Every limit has a name and a rate in ``settings.TESSERA_RATE_LIMITS`` (for instance
``"referral_form": "20/h"``; a rate is a count per second, minute, hour or day, "s", "m",
"h", "d", and None switches the limit off). Counts live in the cache named by
``RATELIMIT_USE_CACHE`` (Redis in production, so every worker shares them; local memory
in development and tests) in fixed windows of the rate's period. The caller is counted by
address (``client_ip``, which trusts only ``TESSERA_PROXY_COUNT`` proxies) unless a view
passes another key, such as a token or an account.

A clinic may have limits of its own: ``settings.TESSERA_CLINIC_RATE_LIMITS`` maps a
clinic's slug to the names it changes (``{"nord": {"referral_form": "5/h"}}``; from the
environment variable of the same name, as JSON). A view that knows the clinic passes it;
the clinic's rate then holds, and its callers are counted apart from other clinics'
(without one, the caller's requests to every clinic count together).

Two ways to use it (docs/operations.md lists the limits, docs/decisions/0009-libraries.md
says why):

- ``@rate_limited("name")`` on a view: a request over the limit gets the 429 page
  (``errors/429.html``) with ``Retry-After``.
- ``over_limit(request, "name")`` inside a view that should count only some requests
  (e.g. a form, only once it is valid) and answer in its own page, keeping what was typed;
  ``with_retry_after`` then sets the status and header on that page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage

from . import audit
from .middleware import client_ip

Key = Callable[[str, HttpRequest], str]


def by_address(group: str, request: HttpRequest) -> str:
    """Count per client address (behind the configured number of proxies)."""
    return client_ip(request) or "-"


def _clinic_own(name: str, clinic) -> dict:
    """The clinic's own limits, when it has one for this name (else empty): the one its
    managers set in the app (``Clinic.rate_limits``) first, then the operator's
    ``TESSERA_CLINIC_RATE_LIMITS`` for the clinic, which is the default the page shows."""
    if clinic is None:
        return {}
    managed = getattr(clinic, "rate_limits", None) or {}
    if name in managed:
        return managed
    return operator_rates(clinic) if name in operator_rates(clinic) else {}


def operator_rates(clinic) -> dict:
    """The operator's rates for this clinic (environment), before its managers' own."""
    return getattr(settings, "TESSERA_CLINIC_RATE_LIMITS", {}).get(clinic.slug, {})


def default_rate(name: str, clinic) -> str | None:
    """The rate a clinic has for a limit when its managers set none."""
    own = operator_rates(clinic)
    return (own[name] or None) if name in own else settings.TESSERA_RATE_LIMITS.get(name)


def per_hour(rate: str | None) -> int | None:
    """A rate as a count per hour, rounded down (None: no limit)."""
    if not rate:
        return None
    count, _slash, period = rate.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[-1:]] * int(period[:-1] or 1)
    return int(int(count) * 3600 // seconds)


def clinic_bounds() -> dict[str, tuple[int, int]]:
    """The limits managers may set for their clinic, with the lowest and highest count
    per hour the operator allows."""
    bounds = getattr(settings, "TESSERA_CLINIC_RATE_BOUNDS", {})
    return {name: (int(low), int(high)) for name, (low, high) in bounds.items()}


def rate_for(name: str, clinic=None) -> str | None:
    """The rate of a named limit, the clinic's own when it has one; an unknown name is a
    programming error."""
    limits = getattr(settings, "TESSERA_RATE_LIMITS", {})
    if name not in limits:
        raise ImproperlyConfigured(f"TESSERA_RATE_LIMITS has no limit named {name!r}")
    own = _clinic_own(name, clinic)
    if own:
        return own[name] or None
    return limits[name]


def over_limit(
    request: HttpRequest,
    name: str,
    *,
    key: Key = by_address,
    count: bool = True,
    clinic=None,
) -> int | None:
    """Count this request against the named limit (unless ``count`` is False), at the
    given clinic's rate when it has its own.

    Returns None while the caller is within the limit, otherwise the seconds until the
    window ends (at least 1), for ``Retry-After``.
    """
    rate = rate_for(name, clinic)
    if rate is None:
        return None
    # A clinic with a rate of its own counts its callers apart; the others share a count.
    group = f"tessera.{name}.clinic-{clinic.pk}" if _clinic_own(name, clinic) else f"tessera.{name}"
    usage = get_usage(request, group=group, key=key, rate=rate, increment=count)
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, usage["time_left"])


# A refused request is audited once a minute per limit and address, so that a flood does
# not flood the trail.
REFUSALS_AUDITED_EVERY_SECONDS = 60


def record_refusal(request: HttpRequest, name: str, *, clinic=None) -> None:
    """Audit ``security.rate_limited`` for a request over the named limit (throttled)."""
    if cache.add(
        f"tessera:rate-refused:{name}:{client_ip(request) or '-'}",
        1,
        REFUSALS_AUDITED_EVERY_SECONDS,
    ):
        audit.record(
            "security.rate_limited",
            clinic=clinic,
            purpose="administration",
            changes={"limit": name, "path": request.path[:200], "method": request.method},
        )


def with_retry_after(response: HttpResponse, seconds: int) -> HttpResponse:
    """Mark a response as the answer to one request too many (429, with Retry-After)."""
    response.status_code = 429
    response["Retry-After"] = str(seconds)
    return response


def too_many_requests(request: HttpRequest, seconds: int, *, name: str = "") -> HttpResponse:
    """The 429 page: what happened and how long to wait, in the site's layout. The refusal
    is audited under the limit's name."""
    record_refusal(request, name or "unnamed")
    response = render(
        request, "errors/429.html", {"retry_minutes": max(1, math.ceil(seconds / 60))}
    )
    return with_retry_after(response, seconds)


def rate_limited(
    name: str, *, key: Key = by_address, methods: Iterable[str] = ("POST",)
) -> Callable:
    """Decorate a view so that requests with these methods count against the named limit;
    one over it gets the 429 page instead of the view."""
    counted = {m.upper() for m in methods}

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in counted:
                wait = over_limit(request, name, key=key)
                if wait is not None:
                    return too_many_requests(request, wait, name=name)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
