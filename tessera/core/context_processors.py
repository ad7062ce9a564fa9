"""What every page's frame needs from core: the idle sign-out limit for the warning, and
the CSRF token masked for this response."""

from __future__ import annotations

import operator
import os

from django.conf import settings
from django.middleware import csrf as django_csrf
from django.utils.safestring import SafeString

from .middleware import idle_limit_seconds
from .template_rows import escaped


def idle_warning(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Called by the template only when it draws the warning: is_staff_member is cached
    # on the user by then (the menu asks it), so this costs no query.
    return {
        "idle_seconds": lambda: _number(idle_limit_seconds(user)),
        "idle_warning_seconds": _number(settings.TESSERA_IDLE_WARNING_SECONDS),
        # base.html's ``data-signed-in-as``: ``{{ user.pk }}`` passed through the lazy
        # user (a ``TypeError`` raised and caught for ``user["pk"]``, an
        # ``AttributeError`` for the proxy) and localised as a number, on every page.
        "signed_in_as": _number(user.pk),
    }


def _number(value: int):
    """The whole number as ``{{ value }}`` draws it: without a thousands separator its
    digits, ready as HTML (``localize`` formats it each time: a tenth of base.html's own
    drawing for two numbers); with one, left to the template."""
    if settings.USE_THOUSAND_SEPARATOR:
        return value
    return SafeString(value)  # digits only (``mark_safe`` without its lazy wrapper)


def csrf(request) -> dict:
    """``{{ csrf_token }}`` and ``{% csrf_token %}`` as Django's own context processor
    gives them (drawn only when a page uses them, once a page), masked for this response
    as Django masks it (BREACH), the mask drawn from the operating system's random bytes
    in one read instead of one read a character (decision 0077). Listed after Django's
    processor (which the engine always runs first), so this one's value is the one
    drawn.

    With it, the language form's ``next`` (base.html): ``{{ request.get_full_path }}``
    looked the method up through a caught ``TypeError`` (``request["get_full_path"]``)
    and escaped its text through Django's lazy wrapper on every page (issue 16); the
    same text, escaped as ``{{ }}`` escapes it."""
    return {"csrf_token": MaskedToken(request), "next_path": escaped(request.get_full_path())}


class MaskedToken:
    """The token, masked when first drawn, then the same for the rest of the page.

    In the template it is what Django's ``SimpleLazyObject`` of the token is: true, equal
    to its text, drawn as its text. Without the proxy's cost (each use of the lazy
    object passes through it, and escaping it raised and caught an AttributeError): the
    token's characters are letters and digits, so it is its own HTML."""

    __slots__ = ("_request", "_text")

    def __init__(self, request):
        self._request = request
        self._text = None

    def __str__(self) -> str:
        if self._text is None:
            self._text = masked_token(self._request)
        return self._text

    def __html__(self) -> str:
        return SafeString(self)  # letters and digits only

    def __bool__(self) -> bool:
        return bool(str(self))

    def __len__(self) -> int:
        return len(str(self))

    def __eq__(self, other) -> bool:
        return str(self) == other

    def __hash__(self) -> int:
        return hash(str(self))

    def __repr__(self) -> str:
        return f"<MaskedToken {str(self)!r}>"


def masked_token(request) -> str:
    """``django.middleware.csrf.get_token(request)``: the secret of the request's CSRF
    cookie masked with a new random mask, and the cookie sent again (its expiry renewed).
    A request without the cookie (rare: a first visit) is left to Django entirely."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret or len(secret) != django_csrf.CSRF_SECRET_LENGTH:
        return django_csrf.get_token(request)
    try:
        token = _mask_cipher_secret(secret)
    except KeyError:  # not of Django's characters: Django's own answer
        return django_csrf.get_token(request)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return token


_CHARS = django_csrf.CSRF_ALLOWED_CHARS
_INDEX = {c: i for i, c in enumerate(_CHARS)}
# Random bytes below this (a multiple of the 62 characters) map uniformly onto them;
# the few at or above it are skipped.
_UNIFORM_BELOW = 256 - 256 % len(_CHARS)
# The mapping as one table for ``bytes.translate`` (byte b: the character b % 62), and
# the bytes it deletes: a whole read mapped in C, not a byte at a time in Python
# (decision 0127). The same characters from the same bytes as the loop it replaced.
_TO_CHARS = bytes.maketrans(
    bytes(range(_UNIFORM_BELOW)),
    bytes(ord(_CHARS[b % len(_CHARS)]) for b in range(_UNIFORM_BELOW)),
)
_SKIPPED = bytes(range(_UNIFORM_BELOW, 256))
# A secret's character shifted by a mask's, by the pair of them (62 × 62 entries).
_SHIFTED = {
    s + m: _CHARS[(i + j) % len(_CHARS)] for s, i in _INDEX.items() for m, j in _INDEX.items()
}


def _random_string(length: int) -> str:
    """``get_random_string(length, CSRF_ALLOWED_CHARS)``: each character uniformly from
    the 62, from ``os.urandom`` (as ``secrets.choice``), read once for the whole string."""
    found = b""
    while len(found) < length:
        found += os.urandom(length + 8).translate(_TO_CHARS, _SKIPPED)
    return found[:length].decode("ascii")


def _mask_cipher_secret(secret: str) -> str:
    """Django's ``_mask_cipher_secret``: a new mask, then the secret's characters each
    shifted by the mask's (modulo 62); Django's ``_unmask_cipher_token`` reverses it.
    A secret of other characters raises ``KeyError``."""
    mask = _random_string(django_csrf.CSRF_SECRET_LENGTH)
    if len(secret) != len(mask):
        raise ValueError("a secret of CSRF_SECRET_LENGTH characters")
    return mask + "".join(map(_SHIFTED.__getitem__, map(operator.add, secret, mask)))
