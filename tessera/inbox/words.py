"""``gettext`` and ``ngettext`` for the inbox's rows, each answer kept per process.

An inbox page writes why each row is there and the time left for every reply: about a
hundred calls a page, each through Django's catalog chain and its per-thread active
language, for a handful of different texts (issue 16; as the literal
``{% translate %}`` of decision 0073). What is kept is the translation of the message
(before any ``%`` formatting), by active language, message and, for a plural, number.
Emptied past ``_KEEP`` entries, and when the settings a translation depends on change
(as Django empties its own catalogs then).
"""

from __future__ import annotations

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import get_language

_KEPT: dict[tuple, str] = {}
_KEEP = 20_000


def gettext(message: str) -> str:
    key = (get_language(), message)
    text = _KEPT.get(key)
    if text is None:
        text = _keep(key, translation.gettext(message))
    return text


def ngettext(singular: str, plural: str, number: int) -> str:
    key = (get_language(), singular, plural, number)
    text = _KEPT.get(key)
    if text is None:
        text = _keep(key, translation.ngettext(singular, plural, number))
    return text


def _keep(key: tuple, text: str) -> str:
    if len(_KEPT) >= _KEEP:
        _KEPT.clear()
    _KEPT[key] = text
    return text


@receiver(setting_changed)
def forget(*, setting, **kwargs):
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS", "USE_I18N"}:
        _KEPT.clear()
