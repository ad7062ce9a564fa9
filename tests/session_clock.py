"""A query count around a request counts the page, not the clock.

The idle timeout writes the session's last-seen time at most once a minute
(IdleTimeoutMiddleware), so a count taken after a slow set-up (building sixty patients
on a loaded machine) saw one or a few more queries than the same request a moment
earlier. Every query count (``CaptureQueriesContext`` and what is built on it:
pytest-django's ``django_assert_num_queries``/``django_assert_max_num_queries``,
``assertNumQueries``) first marks every signed-in session as seen just now, before it
starts counting. A test about that write itself opts out with
``@pytest.mark.session_clock`` (tests/conftest.py). The switch is kept on the class and
the class patched once, however many times this module is imported."""

from __future__ import annotations

import contextlib
import time

from django.test.utils import CaptureQueriesContext


def sessions_seen_now() -> None:
    """Every signed-in session's last-seen time set to now (in the session store: the
    test client reads it from there on its next request)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.sessions.models import Session

    from tessera.core.middleware import IdleTimeoutMiddleware

    key, now = IdleTimeoutMiddleware.KEY, int(time.time())
    try:
        keys = list(Session.objects.values_list("session_key", flat=True))
    except RuntimeError:  # a test without the database: no request to count
        return
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session_key in keys:
        session = store(session_key=session_key)
        if session.get(key) not in (None, now):
            session[key] = now
            session.save()


@contextlib.contextmanager
def counted_as_is(as_is: bool):
    """While open, with ``as_is`` true, counts include the idle clock's write."""
    CaptureQueriesContext.sessions_seen_first = not as_is
    try:
        yield
    finally:
        CaptureQueriesContext.sessions_seen_first = True


def _patch() -> None:
    enter = CaptureQueriesContext.__enter__
    if getattr(enter, "marks_sessions_seen", False):
        return

    def __enter__(self):
        if CaptureQueriesContext.sessions_seen_first:
            sessions_seen_now()
        return enter(self)

    __enter__.marks_sessions_seen = True
    CaptureQueriesContext.sessions_seen_first = True
    CaptureQueriesContext.__enter__ = __enter__


_patch()
