"""The planner learns that a clinic's therapists work in that clinic (issue 16).

Pages that read a clinic's work by its therapists filter episodes on both
``clinic_id = …`` and ``therapist_id IN (…)``. Without statistics on the pair, PostgreSQL
multiplies the two selectivities as if they were independent, and the more therapists
the country has the fewer rows it expects: at 100,000 patients it expected one of the
demo clinic's 351 episodes, and chose to start the team workload's worksheet query from
them (1,134 database pages instead of 9). Extended statistics of the functional
dependency (a therapist's episodes are in the therapist's clinic) give it the clinic's
own share: 1 → 77-95 expected of 352. Not with the most common pairs (``mcv``) as
well: at national scale the clinic's pairs are not among the hundred kept, and the
planner then uses that list alone and expects one row again. They are filled by ANALYZE
(autovacuum does it in production); the migration runs one.
PostgreSQL only: SQLite has no such statistics.
"""

from django.db import migrations

CREATE = (
    "CREATE STATISTICS IF NOT EXISTS episode_clinic_therapist (dependencies) "
    "ON clinic_id, therapist_id FROM treatment_episode"
)
DROP = "DROP STATISTICS IF EXISTS episode_clinic_therapist"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)
        schema_editor.execute("ANALYZE treatment_episode")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0020_audit_search_rows_from_the_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
