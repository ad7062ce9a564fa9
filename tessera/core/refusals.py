"""A request refused, said by a message (WCAG 4.1.3, 3.3.1, 2.4.3; decision 0125).

The page a refused POST lands on shows its messages at the top of ``<main>`` (base.html).
Success and information are a polite status line. A refusal (an error or a warning, and
the "nothing was changed" kind said at info level: a thing already done, a form sent
after signing out, a course that has ended) is a separate region, ``role="alert"``, that
takes the focus when the page loads (static/tessera/errors.js), as a form's error
summary does, so that a screen reader reads it and a keyboard user starts from it.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest

REFUSED = "refused"


def say_refused(request: HttpRequest, text: str) -> None:
    """Nothing was done as asked: an info message, shown as a refusal when it answers a
    POST (the same words met on opening a page, a GET, are information)."""
    extra = REFUSED if request.method == "POST" else ""
    messages.info(request, text, extra_tags=extra)


def is_refusal(message) -> bool:
    return message.level >= messages.WARNING or REFUSED in (message.extra_tags or "").split()


def split_messages(stored) -> tuple[list, list]:
    """The request's messages as (refusals, others), each in the order said."""
    refusals, others = [], []
    for message in stored:
        (refusals if is_refusal(message) else others).append(message)
    return refusals, others
