"""Translation for the pure matching modules, without importing Django at import time.

``_`` asks Django's gettext when Django is set up (so the texts follow the active
language, and ``makemessages`` finds them as ``_("...")``), and returns the English text
as it is otherwise (the engine then runs in plain Python, as in its property tests).
"""

from __future__ import annotations

from functools import lru_cache


def _active_language() -> str | None:
    """The active language when Django is set up and a language is active, else None."""
    try:
        from django.conf import settings  # inside: the engine runs without Django

        if settings.configured:
            from django.utils.translation import get_language  # only when Django is set up

            return get_language()
    except ImportError:  # pragma: no cover - Django is always installed with Tessera
        pass
    return None


@lru_cache(maxsize=4096)
def _translated(language: str, context: str | None, message: str) -> str:
    """Django's translation, asked once per language: the triage queue ranks every
    programme for every application on the page, and the same few dozen texts were
    translated over a thousand times a request (issue 16). ``language`` is the active
    language when this is called, so the answer is the one gettext gives in it."""
    from django.utils.translation import gettext, pgettext

    return pgettext(context, message) if context is not None else gettext(message)


def _(message: str) -> str:
    language = _active_language()
    if language is None:
        return _untranslated_or_plain(None, message)
    return _translated(language, None, message)


def pgettext(context: str, message: str) -> str:
    """``_`` with a context, for words translated differently by where they stand (a
    language's name starts with a small letter inside a Swedish sentence)."""
    language = _active_language()
    if language is None:
        return _untranslated_or_plain(context, message)
    return _translated(language, context, message)


def _untranslated_or_plain(context: str | None, message: str) -> str:
    """No language active (or no Django): Django's own answer when it is set up (the
    text itself, unless a test patched in a catalogue), the English text otherwise."""
    try:
        from django.conf import settings

        if settings.configured:
            from django.utils.translation import gettext
            from django.utils.translation import pgettext as django_pgettext

            return django_pgettext(context, message) if context is not None else gettext(message)
    except ImportError:  # pragma: no cover
        pass
    return message


def join_or(parts: list[str]) -> str:
    """'a', 'a or b', 'a, b or c'."""
    if len(parts) <= 1:
        return "".join(parts)
    return _("%(first)s or %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def show_number(value: float | int) -> str:
    """14 rather than 14.0; a prorated total keeps one decimal."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return str(int(value))
