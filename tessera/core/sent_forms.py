"""What a request sent from one of our pages carries, for the answers that cannot save it:
whether a person's browser sent it from a page here (not a page's script), and the prose
they typed into it, to show back to copy (a note, a message, a comment).

Used by the error handlers (``views.errors``), the middleware that signs out or asks for
a second factor, and views whose autosave answers differently from a form.
"""

from __future__ import annotations

import re

# What a form carries that nobody typed: its token, its once-only key, where to go next.
NOT_TYPED = frozenset({"csrfmiddlewaretoken", "submission_key", "next", "version", "step"})
TYPED_SHOWN_MAX = 10  # fields shown back; each at most TYPED_SHOWN_CHARS
TYPED_SHOWN_CHARS = 20_000
# A letter and a space with something after it: prose, not a number, a date or a choice.
WORDS = re.compile(r"[^\W\d_].*\s.*\S|\S.*\s.*[^\W\d_]", re.S)


def sent_by_a_script(request) -> bool:
    """A request a page's script sent (htmx, a draft's autosave, the time heartbeat, the
    idle dialog's keep-alive), not a page or form the person asked for. After the session
    has ended such a request gets a 401 (``_signed_out_fragment``), never the redirect to
    the sign-in page: ``fetch`` follows a redirect unseen, so the sign-in page was drawn
    for nobody. That took the "signed out" message meant for the person's next page, left
    the cookie that puts typed text back, and, in a browser whose cookies had just been
    cleared, set a new CSRF cookie under the sign-in form open in the tab, whose first
    "Sign in" was then refused (seen in CI: a heartbeat sent with ``keepalive`` outlived
    its page). Browsers say how a request was made in ``Sec-Fetch-Mode`` ("navigate" for
    pages and forms); one that does not is taken as a person's request, as before."""
    if request.headers.get("HX-Request"):
        return True
    mode = request.headers.get("Sec-Fetch-Mode")
    return mode is not None and mode != "navigate"


def sent_from_a_page(request) -> bool:
    """A form sent from one of our own pages by the browser (not a script's request:
    htmx, an autosave, the time heartbeat), which can be answered by going back to that
    page. A script would follow the redirect unseen, and the page it drew would take the
    message meant for the person."""
    same_site = request.headers.get("Sec-Fetch-Site", "same-origin") == "same-origin"
    return bool(
        request.method == "POST"
        and same_site
        and request.META.get("HTTP_REFERER")
        and not sent_by_a_script(request)
    )


def typed_text(request) -> list[str]:
    """The prose a person typed into the form that was sent: values with a letter and a
    space in them (a note, a message, a comment), not numbers, dates, choices or keys."""
    typed = []
    for name, values in request.POST.lists():
        if name in NOT_TYPED:
            continue
        for value in values:
            value = value.strip()
            if WORDS.search(value) and len(typed) < TYPED_SHOWN_MAX:
                typed.append(value[:TYPED_SHOWN_CHARS])
    return typed


def typed_in_a_form(request) -> list[str]:
    """What was typed into a form sent from one of our pages; nothing for anything else."""
    return typed_text(request) if sent_from_a_page(request) else []
