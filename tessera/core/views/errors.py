"""Error pages in the site's own layout, translated, with no details leaked."""

from django.core.cache import cache
from django.http import HttpResponseServerError
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


def server_error(request):
    # Rendered without the request context: the database may be the reason we are here.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
