"""The staff's security events filed once per clinic on SQLite too (decision 0091).

``staff_security_by_clinic`` (core 0030) is a unique constraint with covering columns,
which SQLite does not make (Django's W039): on the development database nothing kept a
clinic's copy of an event single, and a second role at a clinic filed every earlier
event of the person there again (the page's union hid the copies; the table grew). On
SQLite the key columns get a unique index of their own, after the copies made so far
are removed; the triggers' ``ON CONFLICT DO NOTHING`` then keeps one. PostgreSQL has the
constraint already: nothing to do there.
"""

from django.db import migrations

SQLITE = [
    """DELETE FROM core_staffsecurityevent WHERE id NOT IN (
           SELECT MIN(id) FROM core_staffsecurityevent GROUP BY clinic_id, event_id)""",
    """CREATE UNIQUE INDEX staff_security_by_clinic_keys
           ON core_staffsecurityevent (clinic_id, event_id)""",
]
SQLITE_REVERSE = ["DROP INDEX staff_security_by_clinic_keys"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_REVERSE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0030_staff_security_events"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
