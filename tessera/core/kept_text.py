"""Translations of a module's fixed texts kept per language (issue 16; the principle of
decision 0073's kept ``{% translate %}``, for texts a view puts on the page).

``str(lazy)`` and ``gettext(message)`` each ask the active language (a context-local
read, 2–3 µs) and go through the catalog chain (the project's catalog, Django's and
every app's): about 5 µs a text. The patient home's rows turned about seventeen such
texts into words on every request (the timeline's labels and notes, the questionnaires'
plain names and reasons, when each is due). A caller that has several asks the
language once and passes it: the translation is then one dict look-up.

The catalogs of a language do not change in a running process (a new one is a
restart); ``setting_changed`` (tests that change languages, locale paths or apps)
empties what is kept, as for 0073.
"""

from __future__ import annotations

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import gettext

# (language, id of a lazy text) -> (the lazy text, its translation): the text is held,
# so its id is never another's. Only for lazy texts made once (a module's constants):
# a lazy text made on every call would be a new entry every time (LIMIT bounds them).
_LAZY: dict[tuple, tuple[object, str]] = {}
# (language, message) -> its translation.
_MESSAGES: dict[tuple, str] = {}
LIMIT = 5_000


def text(lazy, language: str | None) -> str:
    """``str(lazy)`` with ``language`` active (the caller's ``get_language()``), for a
    lazy translation made once per process; a ``str`` is given back as it is."""
    if type(lazy) is str:
        return lazy
    key = (language, id(lazy))
    found = _LAZY.get(key)
    if found is None or found[0] is not lazy:
        if len(_LAZY) >= LIMIT:
            _LAZY.clear()
        found = _LAZY[key] = (lazy, str(lazy))
    return found[1]


def translated(message: str, language: str | None) -> str:
    """``gettext(message)`` with ``language`` active (the caller's ``get_language()``)."""
    key = (language, message)
    found = _MESSAGES.get(key)
    if found is None:
        if len(_MESSAGES) >= LIMIT:
            _MESSAGES.clear()
        found = _MESSAGES[key] = gettext(message)
    return found


@receiver(setting_changed)
def forget(**kwargs):
    _LAZY.clear()
    _MESSAGES.clear()
