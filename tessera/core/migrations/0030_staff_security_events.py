"""The security events of a clinic's staff filed under the clinic, kept by the database
(issue 16, decision 0091).

The security page lists the security events recorded at the manager's clinics and those
of whoever holds a role there now. The staff's part was one descent of the by-actor
index (``audit_security_by_actor``, core 0028) per staff member, a level deeper as the
country's staff grow (17 descents for the demo clinic: 33 -> 50 pages at 1k -> 100k
patients). ``core_staffsecurityevent`` holds, per clinic, the security events of the
people holding a role there: one index range per clinic, as the clinic's own part is.

Kept by triggers, so that every way of writing rows keeps it: a security event with an
actor is filed under every clinic where the actor holds a role; a role granted (or moved
to another person or clinic) files the person's security events so far under its
clinic; a person's rows at a clinic go when their last role there goes. The backfill
(``FILL``, also used by ``bench/scale.py`` after a bulk load with triggers off) files
every security event of every role holder.

On SQLite a later migration that rebuilds the trail, the role or the copy's table drops
these triggers: it must create them again.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# (``%%``: the statements go through the driver's formatting; ``LIKE 'x%%'`` is also the
# same pattern as ``LIKE 'x%'`` when they do not.)
SECURITY = "(action LIKE 'security.%%' OR action LIKE 'auth.%%')"
COLUMNS = "clinic_id, event_id, at, actor_id, action, ip_address"

# Every security event of a role holder, under each clinic where they hold a role.
FILL = f"""INSERT INTO core_staffsecurityevent ({COLUMNS})
    SELECT DISTINCT r.clinic_id, e.id, e.at, e.actor_id, e.action, e.ip_address
      FROM core_auditevent e JOIN core_clinicrole r ON r.user_id = e.actor_id
     WHERE e.actor_id IS NOT NULL AND {SECURITY.replace("action", "e.action")}
    ON CONFLICT DO NOTHING"""  # noqa: S608 (constants only)

_FILE_EVENT = f"""INSERT INTO core_staffsecurityevent ({COLUMNS})
    SELECT DISTINCT r.clinic_id, NEW.id, NEW.at, NEW.actor_id, NEW.action, NEW.ip_address
      FROM core_clinicrole r WHERE r.user_id = NEW.actor_id
    ON CONFLICT DO NOTHING"""  # noqa: S608 (constants only)
_FILE_ROLE = f"""INSERT INTO core_staffsecurityevent ({COLUMNS})
    SELECT NEW.clinic_id, e.id, e.at, e.actor_id, e.action, e.ip_address
      FROM core_auditevent e
     WHERE e.actor_id = NEW.user_id AND {SECURITY.replace("action", "e.action")}
    ON CONFLICT DO NOTHING"""  # noqa: S608 (constants only)
_UNFILE_ROLE = """DELETE FROM core_staffsecurityevent
     WHERE clinic_id = OLD.clinic_id AND actor_id = OLD.user_id
       AND NOT EXISTS (SELECT 1 FROM core_clinicrole r
                        WHERE r.clinic_id = OLD.clinic_id AND r.user_id = OLD.user_id)"""

POSTGRES = [
    f"""CREATE FUNCTION auditevent_file_staff_security() RETURNS trigger AS $$
       BEGIN {_FILE_EVENT}; RETURN NULL; END; $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER auditevent_staff_security AFTER INSERT ON core_auditevent
       FOR EACH ROW WHEN (NEW.actor_id IS NOT NULL AND {SECURITY.replace("action", "NEW.action")})
       EXECUTE FUNCTION auditevent_file_staff_security();""",
    f"""CREATE FUNCTION clinicrole_file_staff_security() RETURNS trigger AS $$
       BEGIN
         IF TG_OP <> 'INSERT' THEN {_UNFILE_ROLE}; END IF;
         IF TG_OP <> 'DELETE' THEN {_FILE_ROLE}; END IF;
         RETURN NULL;
       END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER clinicrole_staff_security_insert AFTER INSERT OR DELETE
       ON core_clinicrole FOR EACH ROW EXECUTE FUNCTION clinicrole_file_staff_security();""",
    """CREATE TRIGGER clinicrole_staff_security_update AFTER UPDATE OF user_id, clinic_id
       ON core_clinicrole FOR EACH ROW
       WHEN (OLD.user_id IS DISTINCT FROM NEW.user_id
             OR OLD.clinic_id IS DISTINCT FROM NEW.clinic_id)
       EXECUTE FUNCTION clinicrole_file_staff_security();""",
    FILL,
]
POSTGRES_REVERSE = [
    "DROP TRIGGER clinicrole_staff_security_update ON core_clinicrole;",
    "DROP TRIGGER clinicrole_staff_security_insert ON core_clinicrole;",
    "DROP FUNCTION clinicrole_file_staff_security();",
    "DROP TRIGGER auditevent_staff_security ON core_auditevent;",
    "DROP FUNCTION auditevent_file_staff_security();",
]

_ROLE_CHANGED = "OLD.user_id IS NOT NEW.user_id OR OLD.clinic_id IS NOT NEW.clinic_id"
SQLITE = [
    f"""CREATE TRIGGER auditevent_staff_security AFTER INSERT ON core_auditevent
        WHEN NEW.actor_id IS NOT NULL AND {SECURITY.replace("action", "NEW.action")}
        BEGIN {_FILE_EVENT}; END;""",
    f"""CREATE TRIGGER clinicrole_staff_security_insert AFTER INSERT ON core_clinicrole
        BEGIN {_FILE_ROLE}; END;""",
    f"""CREATE TRIGGER clinicrole_staff_security_delete AFTER DELETE ON core_clinicrole
        BEGIN {_UNFILE_ROLE}; END;""",
    f"""CREATE TRIGGER clinicrole_staff_security_update AFTER UPDATE OF user_id, clinic_id
        ON core_clinicrole WHEN {_ROLE_CHANGED}
        BEGIN {_UNFILE_ROLE}; {_FILE_ROLE}; END;""",
    FILL,
]
SQLITE_REVERSE = [
    "DROP TRIGGER clinicrole_staff_security_update;",
    "DROP TRIGGER clinicrole_staff_security_delete;",
    "DROP TRIGGER clinicrole_staff_security_insert;",
    "DROP TRIGGER auditevent_staff_security;",
]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0029_clinic_identity_on_any_change"),
    ]

    operations = [
        migrations.CreateModel(
            name="StaffSecurityEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField()),
                ("action", models.CharField(max_length=64)),
                ("ip_address", models.GenericIPAddressField(null=True)),
                (
                    "actor",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "clinic",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="core.clinic",
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="core.auditevent",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("clinic", "event"),
                        include=("at", "actor", "action", "ip_address"),
                        name="staff_security_by_clinic",
                    )
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
