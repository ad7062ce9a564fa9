"""Error pages in the site's own layout, translated, with no details leaked."""

import sys

from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

DENIED_EVERY_SECONDS = 60  # one row per user and URL a minute keeps the trail readable


def _record_denied(request, status: int) -> None:
    """A signed-in person refused a page (403, or 404 for what they may not see)."""
    from tessera.core import audit

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    if cache.add(f"tessera:denied:{user.pk}:{request.path}", 1, DENIED_EVERY_SECONDS):
        audit.record(
            "security.access_denied",
            actor=user,
            purpose="administration",
            changes={"status": status, "path": request.path[:200], "method": request.method},
        )


def forbidden(request, exception=None):
    _record_denied(request, 403)
    return render(request, "errors/403.html", status=403)


def not_found(request, exception=None):
    _record_denied(request, 404)
    return render(request, "errors/404.html", status=404)


# allauth's own limits (sign-up, password reset, e-mail confirmation, sign-in attempts per
# address; docs/security.md) answer through handler429. They count per minute or a few
# minutes, and allauth does not say how long is left: a minute is what we can promise.
ALLAUTH_RETRY_AFTER_SECONDS = 60


def too_many_requests(request, exception=None):
    from tessera.core.ratelimits import too_many_requests as page

    return page(request, ALLAUTH_RETRY_AFTER_SECONDS, name="allauth")


# A database that has gone away (restarting, failing over, a dropped connection) is a
# moment's unavailability, not a fault of the page: answer 503 with Retry-After. The
# request's transaction did not commit, so nothing it sent was half-written; Django drops
# the broken connection at the end of the request, so the next request connects afresh.
RETRY_AFTER_SECONDS = 10


def _database_unavailable() -> bool:
    error = sys.exc_info()[1]
    while error is not None:
        if isinstance(error, (OperationalError, InterfaceError)):
            return True
        error = error.__cause__ or error.__context__
    return False


def server_error(request):
    # Rendered without the request context: the database may be the reason we are here.
    if _database_unavailable():
        response = HttpResponse(loader.get_template("errors/503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
