"""Keeping a session alive from the idle warning (WCAG 2.2.1, tessera/static/tessera/idle.js)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ..middleware import idle_limit_seconds


@never_cache
@require_GET
@login_required
def keepalive(request: HttpRequest) -> JsonResponse:
    """The request itself resets the idle clock (IdleTimeoutMiddleware); the answer says
    how long the session now has. Reads and writes nothing else."""
    return JsonResponse({"idle_seconds": idle_limit_seconds(request.user)})
