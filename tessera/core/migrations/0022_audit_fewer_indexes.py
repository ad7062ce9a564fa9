"""Fewer indexes for the audit trail to update on every write (decision 0054).

Every audited write updated thirteen B-trees. Four of them serve no query that another
index does not serve as well:

- ``clinic_id`` alone: the leading column of ``(clinic_id, -at)`` and of
  ``audit_clinic_newest``, which also serve the foreign key's checks;
- ``patient_id`` alone: the leading column of ``(patient_id, -at)``;
- on PostgreSQL, ``action`` (plain): ``action`` with ``varchar_pattern_ops`` (kept) serves
  both ``action = …`` and ``action LIKE 'security.%'``;
- on PostgreSQL, ``hash`` with ``varchar_pattern_ops``: no one searches hashes by prefix;
  the unique index on ``hash`` (kept) serves lookups by hash (``missing_heads``).

The chain, its order index ``audit_chain_order`` and the unique hash are untouched.
The model says ``db_index=False`` for the two foreign keys; the two PostgreSQL indexes
Django makes implicitly are dropped here by name (Django drops them ``IF EXISTS`` if the
fields ever change).
"""

import django.db.models.deletion
from django.db import migrations, models

BOTH = {
    "core_auditevent_clinic_id_69114966": "clinic_id",
    "core_auditevent_patient_id_8ca2b662": "patient_id",
}
POSTGRESQL = {
    "core_auditevent_action_b3c9b7a8": "action",
    "core_auditevent_hash_f08202aa_like": "hash varchar_pattern_ops",
}


def _indexes(vendor):
    return {**BOTH, **(POSTGRESQL if vendor == "postgresql" else {})}


def forwards(apps, schema_editor):
    for name in _indexes(schema_editor.connection.vendor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def backwards(apps, schema_editor):
    for name, columns in _indexes(schema_editor.connection.vendor).items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON core_auditevent ({columns})")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0021_episode_clinic_therapist_statistics"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="clinic",
                    field=models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.clinic",
                    ),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="patient",
                    field=models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="audit_events",
                        to="core.patient",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
