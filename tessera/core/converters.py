"""Path converters registered for every URL module (``CoreConfig.ready``).

``<id:…>``, for a database key in a path: digits, as Django's ``int``, but only a number
a key can hold. A larger one (``/patients/9223372036854775808/``) matches no URL, a
404, instead of reaching a query the database refuses (SQLite cannot bind an integer
past 64 bits: an OverflowError, a 500; Django guards only some lookups against it).
tests/security/test_huge_integers.py walks every pattern with such numbers, and fails
on a pattern that still takes Django's unbounded ``int``.
"""

from __future__ import annotations

from django.urls import register_converter

# The largest id a database key holds (a signed 64-bit integer, PostgreSQL's bigint and
# SQLite's integer).
LARGEST_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = int(value)  # (past 4,300 digits Python refuses: a ValueError too)
        if number > LARGEST_ID:
            raise ValueError("no key is that large")  # this URL does not match
        return number

    def to_url(self, value) -> str:
        return str(value)


def register() -> None:
    register_converter(IdConverter, "id")
