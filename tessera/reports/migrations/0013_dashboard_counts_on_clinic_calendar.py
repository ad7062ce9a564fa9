from django.conf import settings
from django.db import migrations


def forwards(apps, schema_editor):
    """The kept counts' days on each clinic's own calendar, not the server's (decision
    0116): the triggers made again, with one on the clinics for a changed time zone,
    and every count from the rows."""
    from tessera.reports import counts

    counts.drop_triggers(schema_editor.connection)
    counts.create_triggers(schema_editor.connection)
    counts.rebuild(schema_editor.connection)


def backwards(apps, schema_editor):
    """The triggers of reports 0012: days in the server's zone."""
    from tessera.reports import counts

    counts.drop_triggers(schema_editor.connection)
    counts.create_triggers(schema_editor.connection, tz=settings.TIME_ZONE)
    counts.rebuild(schema_editor.connection, tz=settings.TIME_ZONE)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0032_staff_security_skips_a_role_being_removed"),
        ("reports", "0012_dashboard_counts"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
