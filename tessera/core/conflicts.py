"""The database saying no mid-action because someone else acted at the same moment
(decision 0149): two people taking the same application, acknowledging the same alert,
a patient sending while staff close the occasion, two tabs saving one draft.

On PostgreSQL such a moment ends the action's transaction with a deadlock, a
serialization failure, a lock timeout or a unique violation. The transaction is rolled
back whole, so nothing is half-written; what is left is what the person is told. It was
the 503 "Tessera is unavailable, try again in a few seconds" page meant for a database
that has gone away (or a 500 for a unique violation), and the form's text was lost.

- ``retried_once`` runs an action once more when its transaction was ended that way. The
  first attempt was rolled back, so a second one starts from the rows as the other
  person left them (an action that re-reads what it changes under its lock then says
  "already done" or does its work). Only for actions whose whole effect is their
  transaction (no call to another system inside), and only when the action's
  transaction is the outermost one: inside a caller's it is the caller's to end.
- ``ConflictMiddleware`` answers what is left (a second conflict, or an action not
  retried): back to the page the form was sent from with "someone else changed this at
  the same moment; nothing was saved", the typed text put back there (idle.js); a
  script's request (an autosave) gets a 409 line for its status. The sqlstate is logged,
  nothing else of the request.
"""

from __future__ import annotations

import functools
import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.html import escape
from django.utils.translation import gettext as _

from .middleware import restoring_typed_text, return_address
from .refusals import say_refused
from .sent_forms import sent_by_a_script, sent_from_a_page

logger = logging.getLogger("tessera.conflicts")

# PostgreSQL's error codes (Appendix A of its manual).
SERIALIZATION_FAILURE = "40001"
DEADLOCK_DETECTED = "40P01"
LOCK_NOT_AVAILABLE = "55P03"  # lock_timeout, NOWAIT
UNIQUE_VIOLATION = "23505"
CONFLICTS = frozenset(
    {SERIALIZATION_FAILURE, DEADLOCK_DETECTED, LOCK_NOT_AVAILABLE, UNIQUE_VIOLATION}
)
SQLITE_BUSY = "SQLITE_BUSY"  # "database is locked": another writer past the timeout


def sqlstate(error: BaseException | None) -> str | None:
    """The database's code for an error raised through Django (psycopg's ``sqlstate``
    on the driver's error, which Django keeps as the cause), or None."""
    for _depth in range(5):
        if error is None:
            return None
        code = getattr(error, "sqlstate", None)
        if code:
            return code
        if "database is locked" in str(error):
            return SQLITE_BUSY
        error = error.__cause__ or error.__context__
    return None


def conflict_code(error: BaseException) -> str | None:
    """The code when the error is someone else acting at the same moment, else None."""
    if not isinstance(error, DatabaseError):
        return None
    code = sqlstate(error)
    return code if code in CONFLICTS or code == SQLITE_BUSY else None


def retried_once(action):
    """Decorate an atomic action (put it above ``@transaction.atomic``): when its
    transaction is ended by a conflict, run it once more."""

    @functools.wraps(action)
    def run(*args, **kwargs):
        if connection.in_atomic_block:
            return action(*args, **kwargs)
        try:
            return action(*args, **kwargs)
        except DatabaseError as error:
            code = conflict_code(error)
            if code is None:
                raise
            logger.info("db.conflict_retried action=%s sqlstate=%s", action.__name__, code)
        return action(*args, **kwargs)

    run.retried_once = True
    return run


class ConflictMiddleware:
    """A conflict that reached the view's caller: a refusal that keeps the typed text,
    never the "unavailable" page. Anything else passes on to the error handlers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        code = conflict_code(exception)
        if code is None:
            return None
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None  # a page read: the "try again in a few seconds" page (503) fits
        logger.warning("db.conflict sqlstate=%s method=%s", code, request.method)
        said = _(
            "Someone else changed this at the same moment, so nothing was saved. "
            "Check the page as it is now and send it again."
        )
        if sent_by_a_script(request) or not sent_from_a_page(request):
            # An autosave's status line (errors.js swaps a 409 in), or a request that
            # did not come from one of our pages: nothing to go back to.
            return HttpResponse(escape(said), status=409, content_type="text/plain; charset=utf-8")
        say_refused(request, said)
        return restoring_typed_text(redirect(return_address(request)), refused=True)
