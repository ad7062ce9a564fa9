"""Plan entries carry their episode's clinic, kept by the database, with a clinic-leading
partial index of the current entries (issue 16, decision 0064).

The inbox's modules waiting to be opened read the caseload's current plan entries one
index descent per episode, each a level deeper as the country grew, joined to the
episodes (for their state), which at 100k patients the planner took from a scan of
every episode. With the clinic on the entry they are one range of
``plan_current_by_clinic`` per clinic, the caseload's episodes only filtering it, and
the episode's state comes from the caseload already read.

As treatment 0016 keeps the other rows' clinic (its functions, one more table): an
entry takes its episode's clinic when it is inserted or when its episode or the copy is
written; an episode inserted (after its entries, in a transaction whose foreign keys
are checked at the commit) or moved to another clinic copies it to its entries. The
bulk load of ``bench/scale.py`` (triggers off) writes it itself.

On SQLite a later migration that rebuilds the plan entry or episode table drops these
triggers: it must create them again.
"""

import importlib

from django.db import migrations, models

kept = importlib.import_module("tessera.treatment.migrations.0016_rows_carry_their_clinic")

TABLES = ["treatment_planentry"]
NAME = "episode_clinic_to_plan_entries"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = kept.postgres_fill(TABLES) + kept.postgres(TABLES, NAME)
    elif vendor == "sqlite":
        statements = kept.sqlite_fill(TABLES) + kept.sqlite(TABLES, NAME)
    else:
        statements = []
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    reverse = {"postgresql": kept.postgres_reverse, "sqlite": kept.sqlite_reverse}.get(vendor)
    for sql in reverse(TABLES, NAME) if reverse else []:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("treatment", "0018_worksheet_answer_clinic"),
    ]

    operations = [
        migrations.AddField(
            model_name="planentry",
            name="clinic",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                editable=False,
                null=True,
                on_delete=models.deletion.DO_NOTHING,
                related_name="+",
                to="core.clinic",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AddIndex(
            model_name="planentry",
            index=models.Index(
                condition=models.Q(("removed_at__isnull", True)),
                fields=["clinic", "episode", "position"],
                name="plan_current_by_clinic",
            ),
        ),
    ]
