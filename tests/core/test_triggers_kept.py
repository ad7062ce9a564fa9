"""The triggers that keep copies (the episode's names and clinic, the clinic column of
messages, due measures, responses and activity, the dashboard counts: decisions 0043,
0053) and the append-only audit trail, all there after every migration, on SQLite and
PostgreSQL. On SQLite a later migration that rebuilds a table (AlterField and the like:
a new table, the rows copied, the old one dropped) drops that table's triggers with it
and nothing else would notice: a copy then silently stops being kept. A migration that
drops or renames one on purpose updates EXPECTED here."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import connection

EXPECTED = json.loads((Path(__file__).parent / "triggers_expected.json").read_text())


def _triggers() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t"
                " JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
            )
        found: dict[str, list[str]] = {}
        for table, name in cursor.fetchall():
            found.setdefault(table, []).append(name)
    return {table: sorted(names) for table, names in sorted(found.items())}


def test_every_trigger_is_there_after_all_migrations(db):
    found = _triggers()
    expected = EXPECTED[connection.vendor]
    missing = {
        table: sorted(set(names) - set(found.get(table, [])))
        for table, names in expected.items()
        if set(names) - set(found.get(table, []))
    }
    assert missing == {}, "triggers lost (a table rebuilt by a later migration?)"
    assert found == expected
