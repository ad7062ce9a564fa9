"""What Django compiles to SQL while a page is drawn: for the tests that pin a page's
reads as built and compiled once per process (``core.prepared``, ``id_lists``; issue
16)."""

from __future__ import annotations

from contextlib import contextmanager
from unittest import mock

from django.db.models.sql.compiler import SQLCompiler


@contextmanager
def compiled_sql():
    """The SQL of every query compiled inside the block, as a list filled as it runs."""
    seen: list[str] = []
    real = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        sql, params = real(self, *args, **kwargs)
        seen.append(sql)
        return sql, params

    with mock.patch.object(SQLCompiler, "as_sql", counting):
        yield seen


def compiled_on_second_request(client, url) -> tuple[list[str], str, str]:
    """(the SQL compiled while the page was drawn a second time, the first drawing, the
    second): a page's first request compiles what it reads; the second should compile
    only what cannot be kept."""
    first = client.get(url)
    assert first.status_code == 200
    with compiled_sql() as seen:
        second = client.get(url)
    assert second.status_code == 200
    assert seen, "the patch sees Django's compiling"
    return seen, first.content.decode(), second.content.decode()
