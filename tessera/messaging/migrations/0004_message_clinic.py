"""Messages carry their episode's clinic, kept by the database, with a clinic-leading
partial index of the waiting ones for a team's counts (issue 16, decision 0053).

The triggers are treatment 0016's (its function ``row_take_episode_clinic`` and the same
statements for this table); see there. On SQLite a later migration that rebuilds the
message or episode table drops them: it must create them again.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

treatment_0016 = importlib.import_module(
    "tessera.treatment.migrations.0016_rows_carry_their_clinic"
)

TABLES = ["messaging_message"]
NAME = "episode_clinic_to_messages"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = treatment_0016.postgres_fill(TABLES) + treatment_0016.postgres(TABLES, NAME)
    elif vendor == "sqlite":
        statements = treatment_0016.sqlite_fill(TABLES) + treatment_0016.sqlite(TABLES, NAME)
    else:
        statements = []
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    reverse = {
        "postgresql": treatment_0016.postgres_reverse,
        "sqlite": treatment_0016.sqlite_reverse,
    }.get(vendor)
    for sql in reverse(TABLES, NAME) if reverse else []:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0021_episode_clinic_therapist_statistics"),
        ("messaging", "0003_message_waiting_by_episode"),
        ("treatment", "0016_rows_carry_their_clinic"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="clinic",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="core.clinic",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(
                condition=models.Q(("answered_at__isnull", True), ("from_patient", True)),
                fields=["clinic"],
                include=("episode", "is_automated"),
                name="message_waiting_by_clinic",
            ),
        ),
    ]
