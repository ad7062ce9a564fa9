"""The words of the automated messages: plain, warm and not clinical. Translated into
the patient's language when sent; no names, scores or module titles."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tessera.notifications.texts import language_of

POINTS = {
    "welcome": _(
        "Welcome! Your programme has started. Work through the modules at your own pace; "
        "a little each week is plenty. You will find them under My modules. If you need "
        'to reach a person at the clinic, use the "I need help" link there.'
    ),
    "module": _(
        "Well done for finishing a module. Take a moment to notice what you have learned "
        "and try it out in everyday life. The next step is waiting for you when you are "
        "ready."
    ),
    "inactive": _(
        "We have not seen you in the programme for a while. That is all right: life gets "
        "busy. When you have a few minutes, pick up where you left off. Every small step "
        "counts."
    ),
    "before_end": _(
        "Your programme ends in about a week. This is a good time to look back at what "
        "has helped you and make a plan for keeping it going. Thank you for the work you "
        "have put in."
    ),
}


def kind_of(point: str) -> str:
    return point.split(":", 1)[0]


def body_for(point: str, user) -> str:
    """The message for a point, in the patient's own language."""
    with translation.override(language_of(user)):
        return str(POINTS[kind_of(point)])
