"""Searches that may name a patient stay out of addresses (decision 0119).

A search form whose words may be a patient's name or identity number (the patient list,
the caseload's "Name contains", the audit trail's patient and staff fields) is sent by
POST. Its words are kept in the session under a short random token, and the page
redirects (303) to itself with ``?s=<token>`` and the form's other fields (sort, filter,
page), which name nobody. The address bar, the browser's history, a bookmark, the proxy's
access log and a ``Referer`` hold the token, never the words; the token means nothing in
another session (another browser, after signing out), where the page says the search
was not kept and shows the search form empty.

A GET that still carries the words (a test, an address typed by hand) is read as before:
nothing Tessera draws produces one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Sequence
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict

SESSION_KEY = "tessera_searches"
# The searches kept per session, newest last: a therapist's day of searches, bounded so
# the session row stays small.
KEPT = 20
TOKEN = "s"


def redirect_to_search(
    request: HttpRequest, *, words: Sequence[str], others: Sequence[str] = ()
) -> HttpResponse:
    """The answer to a search form's POST: its ``words`` kept in the session, a 303 to
    the same page with the token and the ``others`` fields. Sent by htmx (a search as
    one types), an empty 200 whose ``HX-Location`` makes htmx fetch that page into the
    element it targeted and put it in the history."""
    values = {name: request.POST.get(name, "").strip()[:200] for name in words}
    params = [(name, value) for name in others for value in request.POST.getlist(name)[-1:]]
    params = [(name, value) for name, value in params if value]
    if any(values.values()):
        kept = dict(request.session.get(SESSION_KEY) or {})
        token = _token(request, values)
        kept.pop(token, None)  # newest last
        kept[token] = values
        request.session[SESSION_KEY] = dict(list(kept.items())[-KEPT:])
        params.append((TOKEN, token))
    url = request.path + (f"?{urlencode(params)}" if params else "")
    target = request.headers.get("HX-Target")
    if request.headers.get("HX-Request") and target:
        response = HttpResponse()
        response["HX-Location"] = json.dumps(
            {"path": url, "target": f"#{target}", "swap": "innerHTML"}
        )
        return response
    return HttpResponseRedirect(url, status=303)


def _token(request: HttpRequest, values: dict) -> str:
    """The same words in the same session make the same token: a keyed hash of them,
    the key the site's secret and the session's own key, so the token still means
    nothing in another session and cannot be worked back to the words. Two requests of
    one search at once (Enter in the box sends the form and the search-as-you-type
    together) each save the session, and the last save wins: with a random token each,
    the page was sent to the loser's token and said the search was not kept."""
    key = f"{settings.SECRET_KEY}:{request.session.session_key or ''}".encode()
    words = json.dumps(values, sort_keys=True).encode()
    digest = hmac.new(key, words, hashlib.sha256).digest()[:9]
    return base64.urlsafe_b64encode(digest).decode()


def searched(
    request: HttpRequest, words: Sequence[str], params: QueryDict | None = None
) -> tuple[QueryDict, bool]:
    """The page's query with the kept words of its token put back, and whether a token
    was given that this session does not know (another browser, an ended session).
    ``params``: where the token is, when not the address (a form sent on from the
    search's page carries it, decision 0139)."""
    query = (request.GET if params is None else params).copy()
    token = query.pop(TOKEN, [None])[-1]
    if token is None:
        return query, False
    values = (request.session.get(SESSION_KEY) or {}).get(token)
    if not isinstance(values, dict):
        return query, True
    for name in words:
        if values.get(name):
            query[name] = values[name]
    return query, False
