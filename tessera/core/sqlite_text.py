"""Letters beyond ASCII compared without regard to case on SQLite, as on PostgreSQL.

SQLite's own ``LIKE`` and ``lower()`` fold the 26 ASCII letters only: on the demo's
database a search for "öberg" did not find "Öberg", nor "övning" the practice patient
"Övningspatient", and "Ödegård" sorted by its capital. Django's ``icontains`` (and
``contains``, ``startswith``… which SQLite's ``LIKE`` already compares without case)
is ``LIKE … ESCAPE '\\'`` there, and the name sorts use ``lower()``. On each SQLite
connection both are replaced by Python's, which fold every letter (``str.casefold`` for
the comparison, ``str.lower`` for the sort key). PostgreSQL compares with its own
``UPPER``/``LOWER``, which already know every letter; nothing is changed there.

SQLite is the demo's and the tests' database, not production's (check ``tessera.W001``).
"""

from __future__ import annotations

import functools
import re


def install(sender, connection, **kwargs) -> None:
    """A ``connection_created`` receiver: the functions, on an SQLite connection only."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("like", 2, _like, deterministic=True)
    raw.create_function("like", 3, _like, deterministic=True)
    raw.create_function("lower", 1, _lower, deterministic=True)
    raw.create_function("upper", 1, _upper, deterministic=True)


def _like(pattern, value, escape=None):
    """SQL ``value LIKE pattern [ESCAPE escape]``, every letter without regard to case
    (SQLite passes the pattern first). NULL in, NULL out, as SQLite's."""
    if pattern is None or value is None:
        return None
    return _compiled(str(pattern), escape).fullmatch(str(value).casefold()) is not None


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str, escape: str | None) -> re.Pattern:
    """The LIKE pattern as a regular expression over casefolded text: ``%`` any run of
    characters, ``_`` one, the escape character making the next one literal."""
    parts = []
    chars = iter(pattern)
    for char in chars:
        if escape and char == escape:
            parts.append(re.escape(next(chars, "").casefold()))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char.casefold()))
    return re.compile("".join(parts), re.DOTALL)


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def _upper(value):
    return value.upper() if isinstance(value, str) else value
