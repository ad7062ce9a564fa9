"""Trigram indexes on the episodes' copies of the patient's names, on PostgreSQL (issue
16, decisions 0147 and 0162).

The patient list, the audit search by name and a study's "Invite a patient" search look
for a part of either name (``icontains``: ``UPPER(name::text) LIKE UPPER('%part%')``), which
no B-tree index answers: a clinic's whole range of episodes was read for every search,
1,584 pages at 100,000 patients for a name nobody has. A GIN index of each name's
trigrams (``pg_trgm``), on the same expression, answers a search that finds few from
the index (11 pages at 100,000, measured in 0147's bench); one that finds many still
reads what it finds.

``pg_trgm`` ships with PostgreSQL and is a trusted extension (13 and later): the
database's owner creates it without being a superuser. SQLite (the demo, the tests'
first database) keeps its scan: nothing is done there. The indexes are not in the
model's Meta, since Django cannot describe an index on an expression with an operator
class that SQLite would skip.
"""

from django.db import migrations

INDEXES = {
    "episode_first_name_trgm": "patient_first_name",
    "episode_last_name_trgm": "patient_last_name",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON treatment_episode "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0033_staff_leave"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
