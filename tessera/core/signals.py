"""Audit rows for signing in and out and for second-factor changes."""

import time

from allauth.account.signals import user_logged_in, user_logged_out
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from . import audit, languages


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    audit.record("session.signed_in", actor=user, purpose="administration")


@receiver(auth_signals.user_logged_in)
def remember_language_and_time_zone(sender, request, user, **kwargs):
    """Every sign-in (allauth's, an invitation's, a test's) puts the person's own language
    and their clinic's time zone in the session (tessera.core.languages)."""
    languages.remember(request, user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record("session.signed_out", actor=user, purpose="administration")


@receiver(authenticator_added)
def on_authenticator_added(sender, request, user, authenticator, **kwargs):
    audit.record(
        "mfa.added", actor=user, purpose="administration", changes={"type": authenticator.type}
    )


@receiver(authenticator_removed)
def on_authenticator_removed(sender, request, user, authenticator, **kwargs):
    audit.record(
        "mfa.removed", actor=user, purpose="administration", changes={"type": authenticator.type}
    )


@receiver(auth_signals.user_logged_in)
def start_idle_clock(sender, request, user, **kwargs):
    """Signing in starts the idle clock, so the first page after it need not save the
    session again (the middleware touches it at most once a minute)."""
    from .middleware import IdleTimeoutMiddleware

    session = getattr(request, "session", None)
    if session is not None:
        session[IdleTimeoutMiddleware.KEY] = int(time.time())
