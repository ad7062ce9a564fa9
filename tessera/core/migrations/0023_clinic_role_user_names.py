"""A clinic role carries its user's name, e-mail and whether they may sign in, kept by the
database (issue 16, decision 0064).

The team's pages (the inbox's and the caseload's choice of therapist, the inbox's
therapist column, the team workload) showed the clinic's therapists by name, each read
from the user table by primary key or in a join ordered by name: one descent of the
user table's index per therapist, a level deeper as the country's staff grow. With the
copy, a team's therapists, in name order, are one range of the clinic's roles.

The copy is made by triggers, so that every way of writing rows (the ORM, bulk inserts,
raw SQL, the admin) keeps it: a role takes its user's values when it is inserted or when
its user or the copy itself is written (a ``save()`` of a role read long ago writes the
copy again: it is taken afresh), and a user's values, when the user is inserted (after
their roles, in a transaction whose foreign keys are checked at the commit) or changed,
are copied to their roles.

On SQLite a later migration that rebuilds the role or user table (adding a field with a
default does) drops these triggers: it must create them again.
"""

from django.db import migrations, models

POSTGRES = [
    """CREATE FUNCTION clinicrole_take_user() RETURNS trigger AS $$
       DECLARE u record;
       BEGIN
         SELECT first_name, last_name, email, is_active INTO u
           FROM core_user WHERE id = NEW.user_id;
         IF FOUND THEN  -- (not yet, when the user's row comes later in a transaction)
           NEW.user_first_name := u.first_name;
           NEW.user_last_name := u.last_name;
           NEW.user_email := u.email;
           NEW.user_is_active := u.is_active;
         END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER clinicrole_user
       BEFORE INSERT OR UPDATE OF user_id, user_first_name, user_last_name, user_email,
                                  user_is_active
       ON core_clinicrole FOR EACH ROW EXECUTE FUNCTION clinicrole_take_user();""",
    """CREATE FUNCTION user_to_clinic_roles() RETURNS trigger AS $$
       BEGIN
         UPDATE core_clinicrole
            SET user_first_name = NEW.first_name, user_last_name = NEW.last_name,
                user_email = NEW.email, user_is_active = NEW.is_active
          WHERE user_id = NEW.id;
         RETURN NULL;
       END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER user_to_clinic_roles
       AFTER UPDATE OF first_name, last_name, email, is_active ON core_user FOR EACH ROW
       WHEN (OLD.first_name IS DISTINCT FROM NEW.first_name
             OR OLD.last_name IS DISTINCT FROM NEW.last_name
             OR OLD.email IS DISTINCT FROM NEW.email
             OR OLD.is_active IS DISTINCT FROM NEW.is_active)
       EXECUTE FUNCTION user_to_clinic_roles();""",
    """CREATE TRIGGER user_to_new_clinic_roles
       AFTER INSERT ON core_user FOR EACH ROW EXECUTE FUNCTION user_to_clinic_roles();""",
    """UPDATE core_clinicrole r
          SET user_first_name = u.first_name, user_last_name = u.last_name,
              user_email = u.email, user_is_active = u.is_active
         FROM core_user u WHERE u.id = r.user_id;""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER user_to_new_clinic_roles ON core_user;",
    "DROP TRIGGER user_to_clinic_roles ON core_user;",
    "DROP FUNCTION user_to_clinic_roles();",
    "DROP TRIGGER clinicrole_user ON core_clinicrole;",
    "DROP FUNCTION clinicrole_take_user();",
]

# SQLite cannot change NEW in a BEFORE trigger: the row is updated after it is written
# (recursive triggers are off, so the trigger's own update does not fire it again).
_SQLITE_TAKE = """UPDATE core_clinicrole
       SET user_first_name = (SELECT first_name FROM core_user WHERE id = NEW.user_id),
           user_last_name = (SELECT last_name FROM core_user WHERE id = NEW.user_id),
           user_email = (SELECT email FROM core_user WHERE id = NEW.user_id),
           user_is_active = (SELECT is_active FROM core_user WHERE id = NEW.user_id)
     WHERE id = NEW.id AND EXISTS (SELECT 1 FROM core_user WHERE id = NEW.user_id);"""
_SQLITE_GIVE = """UPDATE core_clinicrole
       SET user_first_name = NEW.first_name, user_last_name = NEW.last_name,
           user_email = NEW.email, user_is_active = NEW.is_active
     WHERE user_id = NEW.id;"""
SQLITE = [
    f"""CREATE TRIGGER clinicrole_user_insert AFTER INSERT ON core_clinicrole
        BEGIN {_SQLITE_TAKE} END;""",
    f"""CREATE TRIGGER clinicrole_user_update
        AFTER UPDATE OF user_id, user_first_name, user_last_name, user_email, user_is_active
        ON core_clinicrole BEGIN {_SQLITE_TAKE} END;""",
    f"""CREATE TRIGGER user_to_clinic_roles
        AFTER UPDATE OF first_name, last_name, email, is_active ON core_user
        BEGIN {_SQLITE_GIVE} END;""",
    f"""CREATE TRIGGER user_to_new_clinic_roles AFTER INSERT ON core_user
        BEGIN {_SQLITE_GIVE} END;""",
    """UPDATE core_clinicrole
          SET user_first_name = (SELECT first_name FROM core_user u
                                  WHERE u.id = core_clinicrole.user_id),
              user_last_name = (SELECT last_name FROM core_user u
                                 WHERE u.id = core_clinicrole.user_id),
              user_email = (SELECT email FROM core_user u WHERE u.id = core_clinicrole.user_id),
              user_is_active = (SELECT is_active FROM core_user u
                                 WHERE u.id = core_clinicrole.user_id);""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER user_to_new_clinic_roles;",
    "DROP TRIGGER user_to_clinic_roles;",
    "DROP TRIGGER clinicrole_user_update;",
    "DROP TRIGGER clinicrole_user_insert;",
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
        ("core", "0022_audit_fewer_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="clinicrole",
            name="user_email",
            field=models.CharField(default="", editable=False, max_length=254),
        ),
        migrations.AddField(
            model_name="clinicrole",
            name="user_first_name",
            field=models.CharField(default="", editable=False, max_length=150),
        ),
        migrations.AddField(
            model_name="clinicrole",
            name="user_is_active",
            field=models.BooleanField(default=True, editable=False),
        ),
        migrations.AddField(
            model_name="clinicrole",
            name="user_last_name",
            field=models.CharField(default="", editable=False, max_length=150),
        ),
        migrations.RunPython(forwards, backwards),
    ]
