"""Addresses worked out once per process (issue 16).

Django's ``reverse`` walks the URL patterns on every call: about 40 µs, and a page
draws a dozen or more links (the menu, the header's forms, each row's link). The same
name with the same arguments always gives the same address for one URLconf and script
prefix, so it is kept on the URL resolver itself: a new resolver (``clear_url_caches``,
another ``ROOT_URLCONF`` in a test) starts with an empty cache.

Only arguments that are plain ``int`` or ``str`` are kept (a model instance's address
depends on its ``__str__``, a bool equals an int): any other call is passed through. A
template's literal (``{% url 'home' %}``) is a ``SafeString``: the same text, the same
address, kept under the same key as the plain ``str`` (decision 0060: before, every
literal name in a template missed the cache).
"""

from __future__ import annotations

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString

# A process keeps at most this many addresses (each row's link has its own id); when
# full the cache starts again.
LIMIT = 20_000
_ATTRIBUTE = "_tessera_reversed"
# Types kept: their address is their text (a SafeString is a str, marked safe).
_TEXT = (str, SafeString)


def url_base() -> tuple:
    """The request's URLconf and script prefix, which an address depends on: each is a
    thread-local look-up (about 10 µs), so a caller drawing many links asks once."""
    return get_urlconf(), get_script_prefix()


def reverse_cached(viewname, args=(), current_app=None, base: tuple | None = None) -> str:
    """``reverse(viewname, args=args, current_app=current_app)``, kept per process;
    ``base`` is ``url_base()`` when the caller has it already."""
    if type(viewname) not in _TEXT or not all(type(a) is int or type(a) in _TEXT for a in args):
        return reverse(viewname, args=args, current_app=current_app)
    urlconf, prefix = base or url_base()
    resolver = get_resolver(urlconf)
    cache = resolver.__dict__.get(_ATTRIBUTE)
    if cache is None:
        cache = resolver.__dict__[_ATTRIBUTE] = {}
    key = (viewname, tuple(args), current_app, prefix)
    found = cache.get(key)
    if found is None:
        found = reverse(viewname, args=args, current_app=current_app)
        if len(cache) >= LIMIT:
            cache.clear()
        cache[key] = found
    return found
