"""Translation for the pure matching modules, without importing Django at import time.

``_`` asks Django's gettext when Django is set up (so the texts follow the active
language, and ``makemessages`` finds them as ``_("...")``), and returns the English text
as it is otherwise (the engine then runs in plain Python, as in its property tests).
"""

from __future__ import annotations


def _(message: str) -> str:
    try:
        from django.conf import settings  # inside: the engine runs without Django

        if settings.configured:
            from django.utils.translation import gettext  # only when Django is set up

            return gettext(message)
    except ImportError:  # pragma: no cover - Django is always installed with Tessera
        pass
    return message


def pgettext(context: str, message: str) -> str:
    """``_`` with a context, for words translated differently by where they stand (a
    language's name starts with a small letter inside a Swedish sentence)."""
    try:
        from django.conf import settings

        if settings.configured:
            from django.utils.translation import pgettext as django_pgettext

            return django_pgettext(context, message)
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
