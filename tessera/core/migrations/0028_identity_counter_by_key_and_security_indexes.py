"""Two reads that grew with the country's history (decision 0087):

- The identity counter (core 0024), read by every signed-in request, is read by its key:
  its table gets `fillfactor = 10` (256 rows in about 15 pages, each page with room for
  its rows' next versions, so that an update stays in place: HOT, no new index entry)
  and is rewritten once. On 3 or 4 full pages the planner scanned the table until the
  login's row: 1 to 4 pages, wherever the row lay, and a row moves with updates. Read
  by its key it is 2 pages (the key's one index page, the row's page) for any login.
- The security page reads the security events from two small partial indexes: those
  recorded at a clinic, and those of one person, newest first, with what the page
  shows; as one filter it walked the whole country's trail backwards.
"""

from django.db import migrations, models

SECURITY_KINDS = models.Q(action__startswith="security.") | models.Q(action__startswith="auth.")

POSTGRES = [
    "ALTER TABLE core_identityversion SET (fillfactor = 10);",
    "CLUSTER core_identityversion USING core_identityversion_pkey;",
    "ANALYZE core_identityversion;",
]
POSTGRES_BACK = [
    "ALTER TABLE core_identityversion SET (fillfactor = 50);",  # core 0025's
    "CLUSTER core_identityversion USING core_identityversion_pkey;",
    "ANALYZE core_identityversion;",
]


def _run(schema_editor, statements: list[str]) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in statements:
            schema_editor.execute(sql)


def forwards(apps, schema_editor):
    _run(schema_editor, POSTGRES)


def backwards(apps, schema_editor):
    _run(schema_editor, POSTGRES_BACK)


class Migration(migrations.Migration):
    dependencies = [("core", "0027_clinic_role_user_has_password")]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=SECURITY_KINDS & models.Q(clinic__isnull=False),
                fields=["clinic", "-id"],
                include=("at", "action", "actor", "ip_address"),
                name="audit_security_at_clinic",
            ),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=SECURITY_KINDS & models.Q(actor__isnull=False),
                fields=["actor", "-id"],
                include=("at", "action", "ip_address"),
                name="audit_security_by_actor",
            ),
        ),
    ]
