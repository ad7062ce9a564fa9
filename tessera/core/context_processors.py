"""What every page's frame needs from core: the idle sign-out limit for the warning."""

from __future__ import annotations

from django.conf import settings

from .middleware import idle_limit_seconds


def idle_warning(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Called by the template only when it draws the warning: is_staff_member is cached
    # on the user by then (the menu asks it), so this costs no query.
    return {
        "idle_seconds": lambda: idle_limit_seconds(user),
        "idle_warning_seconds": settings.TESSERA_IDLE_WARNING_SECONDS,
    }
