"""PostgreSQL's timestamps read by the C parser of Python's ``datetime`` (issue 16,
decision 0072).

Django reads every ``timestamp with time zone`` column through psycopg's pure-Python
loader (a regular expression, eight ``int()`` and two datetime operations per value,
then its own ``replace(tzinfo=...)``), even with psycopg's C implementation installed:
about a sixth of the CPU of a small read of plan entries. On a connection whose time
zone is UTC (Django's, when the database's ``TIME_ZONE`` is not set) PostgreSQL writes
them as ``2026-12-05 16:38:59.123456+00``, which ``datetime.fromisoformat`` reads at
once, as the same instant with ``datetime.timezone.utc``, which is what Django gives.
Anything else (another offset, BC, infinity, another date style) goes to Django's own
loader, so the values and the errors are Django's."""

from __future__ import annotations

import datetime as dt
import functools

_UTC = dt.UTC
_from_iso = dt.datetime.fromisoformat


def install(sender, connection, **kwargs) -> None:
    """A ``connection_created`` receiver: the loader, on a PostgreSQL connection (psycopg
    3) whose Django time zone is UTC; nothing on any other."""
    if connection.vendor != "postgresql" or connection.timezone is not _UTC:
        return
    loader = _loader_class()
    if loader is not None:
        connection.connection.adapters.register_loader("timestamptz", loader)


@functools.cache
def _loader_class():
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    if not is_psycopg3:
        return None
    from django.db.backends.postgresql.psycopg_any import BaseTzLoader

    class UtcTimestamptzLoader(BaseTzLoader):
        """Django's loader for a UTC connection (``timezone``: Django's ``create_cursor``
        compares it with the connection's), with ISO text in UTC read by
        ``fromisoformat``."""

        timezone = _UTC

        def load(self, data):
            try:
                value = _from_iso(str(data, "ascii"))
            except ValueError:
                return super().load(data)
            if value.tzinfo is not _UTC:
                return super().load(data)
            return value

    return UtcTimestamptzLoader
