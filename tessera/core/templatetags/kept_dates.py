"""``{% load kept_dates %}``: Django's ``date`` filter with its output kept per process
(issue 16, decision 0075). The same filter (its flags, arguments and output); a date, or a
datetime, in a format that is a name or a literal, is formatted by Django's own filter
once per (language, format, value) and then taken from memory. Django's ``DateFormat``
costs about 20 µs a date, more than the rest of a timeline step.

What the output depends on is in the key: the active language (the format and the
month's name), the format, the value and, for a datetime, its time zone and ``fold``
(two equal times in the same zone can differ in their offset). Naive datetimes are
formatted in the default time zone, a setting. The engine turns a datetime into the
current time zone before the filter sees it, as for Django's filter. Any change of
settings (``setting_changed``: only tests) empties what is kept. Other values (``None``,
strings, subclasses of date) are Django's own.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaultfilters
from django.utils.translation import get_language

register = template.Library()

# (language, format, type, value, tzinfo, fold) -> output; a page's dates are few, a
# process's many: emptied at LIMIT.
_KEPT: dict[tuple, str] = {}
LIMIT = 20_000
_KINDS = (dt.date, dt.datetime)


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    return formatted(value, arg, get_language())


def formatted(value, arg, language):
    """The filter with the active language given (the caller's ``get_language()``): for
    a caller that formats several dates of one page (issue 16)."""
    kind = type(value)
    if kind not in _KINDS or not (arg is None or isinstance(arg, str)):
        return defaultfilters.date(value, arg)
    key = (
        language,
        arg,
        kind,
        value,
        getattr(value, "tzinfo", None),
        getattr(value, "fold", 0),
    )
    found = _KEPT.get(key)
    if found is None:
        found = defaultfilters.date(value, arg)
        if len(_KEPT) >= LIMIT:
            _KEPT.clear()
        _KEPT[key] = found
    return found


@receiver(setting_changed)
def forget_dates(**kwargs):
    _KEPT.clear()
