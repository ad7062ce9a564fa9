"""A clinic role also keeps whether its user has a usable password (has signed in since
being invited), kept by the database as the name, e-mail and ``is_active`` are (core
0023; issue 16, decision 0083).

The clinic's staff page shows "Invited, not yet signed in" for a person without a
usable password (``User.has_usable_password``: the invitation sets an unusable one,
which begins with "!"). It read every person of the clinic by primary key for that
alone: one descent of the user table's index each, a level deeper as the country's
staff grow. With the copy, the page is one range of the clinic's roles.

The triggers of core 0023 are made again with the same names, now copying this too:
a role takes it when inserted or when its user or copy is written; a user's change of
password is copied to their roles only when its usability changes (a new hash on
sign-in writes nothing).

The column may be NULL (not yet known: a role inserted before its user, in one
transaction, until the user's row comes), like no other copied column, so that SQLite
adds it in place: a column with a default makes SQLite remake the role table, which
drops the role table's own triggers (these and core 0024's) and refuses the rename
while the user's and the clinic's triggers name the table.
"""

from django.db import migrations, models

# Whether a password is usable, in SQL (``is_password_usable``: not one made by
# ``set_unusable_password``, whose value begins with "!"). The same on both databases.
USABLE = "({}.password NOT LIKE '!%')"

POSTGRES = [
    """CREATE OR REPLACE FUNCTION clinicrole_take_user() RETURNS trigger AS $$
       DECLARE u record;
       BEGIN
         SELECT first_name, last_name, email, is_active,
                (password NOT LIKE '!%') AS has_password INTO u
           FROM core_user WHERE id = NEW.user_id;
         IF FOUND THEN  -- (not yet, when the user's row comes later in a transaction)
           NEW.user_first_name := u.first_name;
           NEW.user_last_name := u.last_name;
           NEW.user_email := u.email;
           NEW.user_is_active := u.is_active;
           NEW.user_has_usable_password := u.has_password;
         END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql;""",
    """CREATE OR REPLACE FUNCTION user_to_clinic_roles() RETURNS trigger AS $$
       BEGIN
         UPDATE core_clinicrole
            SET user_first_name = NEW.first_name, user_last_name = NEW.last_name,
                user_email = NEW.email, user_is_active = NEW.is_active,
                user_has_usable_password = (NEW.password NOT LIKE '!%')
          WHERE user_id = NEW.id;
         RETURN NULL;
       END; $$ LANGUAGE plpgsql;""",
    # Filled before the triggers below are told of the new column (so that the role's
    # trigger is not run for every role), after the functions (the migration runs in
    # one transaction: no row written meanwhile is left out).
    """UPDATE core_clinicrole r SET user_has_usable_password = (u.password NOT LIKE '!%')
         FROM core_user u WHERE u.id = r.user_id;""",
    "DROP TRIGGER clinicrole_user ON core_clinicrole;",
    """CREATE TRIGGER clinicrole_user
       BEFORE INSERT OR UPDATE OF user_id, user_first_name, user_last_name, user_email,
                                  user_is_active, user_has_usable_password
       ON core_clinicrole FOR EACH ROW EXECUTE FUNCTION clinicrole_take_user();""",
    "DROP TRIGGER user_to_clinic_roles ON core_user;",
    """CREATE TRIGGER user_to_clinic_roles
       AFTER UPDATE OF first_name, last_name, email, is_active, password ON core_user
       FOR EACH ROW
       WHEN (OLD.first_name IS DISTINCT FROM NEW.first_name
             OR OLD.last_name IS DISTINCT FROM NEW.last_name
             OR OLD.email IS DISTINCT FROM NEW.email
             OR OLD.is_active IS DISTINCT FROM NEW.is_active
             OR (OLD.password NOT LIKE '!%') IS DISTINCT FROM (NEW.password NOT LIKE '!%'))
       EXECUTE FUNCTION user_to_clinic_roles();""",
]
POSTGRES_REVERSE = [
    """CREATE OR REPLACE FUNCTION clinicrole_take_user() RETURNS trigger AS $$
       DECLARE u record;
       BEGIN
         SELECT first_name, last_name, email, is_active INTO u
           FROM core_user WHERE id = NEW.user_id;
         IF FOUND THEN
           NEW.user_first_name := u.first_name;
           NEW.user_last_name := u.last_name;
           NEW.user_email := u.email;
           NEW.user_is_active := u.is_active;
         END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql;""",
    """CREATE OR REPLACE FUNCTION user_to_clinic_roles() RETURNS trigger AS $$
       BEGIN
         UPDATE core_clinicrole
            SET user_first_name = NEW.first_name, user_last_name = NEW.last_name,
                user_email = NEW.email, user_is_active = NEW.is_active
          WHERE user_id = NEW.id;
         RETURN NULL;
       END; $$ LANGUAGE plpgsql;""",
    "DROP TRIGGER clinicrole_user ON core_clinicrole;",
    """CREATE TRIGGER clinicrole_user
       BEFORE INSERT OR UPDATE OF user_id, user_first_name, user_last_name, user_email,
                                  user_is_active
       ON core_clinicrole FOR EACH ROW EXECUTE FUNCTION clinicrole_take_user();""",
    "DROP TRIGGER user_to_clinic_roles ON core_user;",
    """CREATE TRIGGER user_to_clinic_roles
       AFTER UPDATE OF first_name, last_name, email, is_active ON core_user FOR EACH ROW
       WHEN (OLD.first_name IS DISTINCT FROM NEW.first_name
             OR OLD.last_name IS DISTINCT FROM NEW.last_name
             OR OLD.email IS DISTINCT FROM NEW.email
             OR OLD.is_active IS DISTINCT FROM NEW.is_active)
       EXECUTE FUNCTION user_to_clinic_roles();""",
]


def _sqlite(kept: bool) -> list[str]:
    """Core 0023's SQLite triggers, copying whether the password is usable too when
    ``kept``."""

    def of_user(column: str) -> str:
        return f"(SELECT {column} FROM core_user WHERE id = NEW.user_id)"

    usable_take = (
        f",\n           user_has_usable_password = {of_user(USABLE.format('core_user'))}"
        if kept
        else ""
    )
    take = f"""UPDATE core_clinicrole
       SET user_first_name = {of_user("first_name")},
           user_last_name = {of_user("last_name")},
           user_email = {of_user("email")},
           user_is_active = {of_user("is_active")}{usable_take}
     WHERE id = NEW.id AND EXISTS (SELECT 1 FROM core_user WHERE id = NEW.user_id);"""
    usable_give = f", user_has_usable_password = {USABLE.format('NEW')}" if kept else ""
    give = f"""UPDATE core_clinicrole
       SET user_first_name = NEW.first_name, user_last_name = NEW.last_name,
           user_email = NEW.email, user_is_active = NEW.is_active{usable_give}
     WHERE user_id = NEW.id;"""
    role_columns = "user_id, user_first_name, user_last_name, user_email, user_is_active"
    user_columns = "first_name, last_name, email, is_active"
    if kept:
        role_columns += ", user_has_usable_password"
        user_columns += ", password"
    statements = [
        f"""CREATE TRIGGER clinicrole_user_insert AFTER INSERT ON core_clinicrole
            BEGIN {take} END;""",
        f"""CREATE TRIGGER clinicrole_user_update AFTER UPDATE OF {role_columns}
            ON core_clinicrole BEGIN {take} END;""",
        f"""CREATE TRIGGER user_to_clinic_roles AFTER UPDATE OF {user_columns} ON core_user
            BEGIN {give} END;""",
        f"""CREATE TRIGGER user_to_new_clinic_roles AFTER INSERT ON core_user
            BEGIN {give} END;""",
    ]
    if kept:  # filled before the triggers, so that none of them runs for every row
        statements.insert(
            0,
            f"""UPDATE core_clinicrole SET user_has_usable_password = (
                 SELECT {USABLE.format("u")} FROM core_user u
                  WHERE u.id = core_clinicrole.user_id);""",
        )
    return statements


# Made again with the new copy (SQLite has no CREATE OR REPLACE TRIGGER).
SQLITE_DROP = [
    "DROP TRIGGER clinicrole_user_insert;",
    "DROP TRIGGER clinicrole_user_update;",
    "DROP TRIGGER user_to_clinic_roles;",
    "DROP TRIGGER user_to_new_clinic_roles;",
]


def _run(schema_editor, vendor: str, statements) -> None:
    if schema_editor.connection.vendor == vendor:
        for sql in statements:
            schema_editor.execute(sql, params=None)  # no placeholders: "%" is SQL's


def forwards(apps, schema_editor):
    _run(schema_editor, "sqlite", SQLITE_DROP + _sqlite(True))
    _run(schema_editor, "postgresql", POSTGRES)


def backwards(apps, schema_editor):
    """Before the column is dropped: the triggers name it."""
    _run(schema_editor, "sqlite", SQLITE_DROP + _sqlite(False))
    _run(schema_editor, "postgresql", POSTGRES_REVERSE)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0026_scale_1m_patient_list"),
    ]

    operations = [
        migrations.AddField(
            model_name="clinicrole",
            name="user_has_usable_password",
            field=models.BooleanField(editable=False, null=True),
        ),
        migrations.RunPython(forwards, backwards),
    ]
