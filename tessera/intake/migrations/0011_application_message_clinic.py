"""Applicants' messages carry their application's clinic, kept by the database, with a
clinic-leading partial index of the unread ones: the triage queue's "applicants have
written" notice read every unread applicant message of the country (issue 16,
decision 0069).

A message takes its application's clinic when it is inserted or when its application or
the copy is written; an application inserted (after its messages, in a transaction whose
foreign keys are checked at the commit, as a restore may do) or moved to another clinic
copies it to its messages. The bulk load of ``bench/scale.py``
(triggers off) writes the column itself. On SQLite a later migration that rebuilds the
message or application table drops these triggers: it must create them again.
"""

# The SQL is built from this file's own constants only (table and function names).
# ruff: noqa: S608

import django.db.models.deletion
from django.db import migrations, models

T = "intake_applicationmessage"
NAME = "application_clinic_to_messages"

POSTGRES = [
    f"""UPDATE {T} m SET clinic_id = a.clinic_id FROM intake_application a
         WHERE a.id = m.application_id AND m.clinic_id IS DISTINCT FROM a.clinic_id;""",
    """CREATE FUNCTION message_take_application_clinic() RETURNS trigger AS $$
       DECLARE c bigint;
       BEGIN
         SELECT a.clinic_id INTO c FROM intake_application a WHERE a.id = NEW.application_id;
         IF FOUND THEN  -- (not yet, when the application's row comes later)
           NEW.clinic_id := c;
         END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER {T}_clinic_insert BEFORE INSERT ON {T}
        FOR EACH ROW EXECUTE FUNCTION message_take_application_clinic();""",
    f"""CREATE TRIGGER {T}_clinic_update BEFORE UPDATE OF application_id, clinic_id ON {T}
        FOR EACH ROW WHEN (OLD.application_id IS DISTINCT FROM NEW.application_id
                           OR OLD.clinic_id IS DISTINCT FROM NEW.clinic_id)
        EXECUTE FUNCTION message_take_application_clinic();""",
    f"""CREATE FUNCTION {NAME}() RETURNS trigger AS $$
        BEGIN
          UPDATE {T} SET clinic_id = NEW.clinic_id
           WHERE application_id = NEW.id AND clinic_id IS DISTINCT FROM NEW.clinic_id;
          RETURN NULL;
        END; $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER {NAME}_moved AFTER UPDATE OF clinic_id ON intake_application
        FOR EACH ROW WHEN (OLD.clinic_id IS DISTINCT FROM NEW.clinic_id)
        EXECUTE FUNCTION {NAME}();""",
    f"""CREATE TRIGGER {NAME}_new AFTER INSERT ON intake_application
        FOR EACH ROW EXECUTE FUNCTION {NAME}();""",
]

POSTGRES_REVERSE = [
    f"DROP TRIGGER {NAME}_new ON intake_application;",
    f"DROP TRIGGER {NAME}_moved ON intake_application;",
    f"DROP FUNCTION {NAME}();",
    f"DROP TRIGGER {T}_clinic_update ON {T};",
    f"DROP TRIGGER {T}_clinic_insert ON {T};",
    "DROP FUNCTION message_take_application_clinic();",
]

# SQLite cannot change NEW in a BEFORE trigger: the row is updated after it is written.
_TAKE = f"""UPDATE {T} SET clinic_id =
              (SELECT clinic_id FROM intake_application WHERE id = NEW.application_id)
            WHERE rowid = NEW.rowid;"""

_COPY = f"UPDATE {T} SET clinic_id = NEW.clinic_id WHERE application_id = NEW.id;"

SQLITE = [
    f"""UPDATE {T} SET clinic_id =
          (SELECT clinic_id FROM intake_application a WHERE a.id = {T}.application_id);""",
    f"CREATE TRIGGER {T}_clinic_insert AFTER INSERT ON {T} BEGIN {_TAKE} END;",
    f"""CREATE TRIGGER {T}_clinic_update AFTER UPDATE OF application_id, clinic_id ON {T}
        WHEN NEW.clinic_id IS NOT
             (SELECT clinic_id FROM intake_application WHERE id = NEW.application_id)
        BEGIN {_TAKE} END;""",
    f"""CREATE TRIGGER {NAME}_moved AFTER UPDATE OF clinic_id ON intake_application
        BEGIN {_COPY} END;""",
    f"CREATE TRIGGER {NAME}_new AFTER INSERT ON intake_application BEGIN {_COPY} END;",
]

SQLITE_REVERSE = [
    f"DROP TRIGGER {NAME}_new;",
    f"DROP TRIGGER {NAME}_moved;",
    f"DROP TRIGGER {T}_clinic_update;",
    f"DROP TRIGGER {T}_clinic_insert;",
]


def forwards(apps, schema_editor):
    statements = {"postgresql": POSTGRES, "sqlite": SQLITE}.get(schema_editor.connection.vendor)
    for sql in statements or []:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = {"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}.get(
        schema_editor.connection.vendor
    )
    for sql in statements or []:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0021_episode_clinic_therapist_statistics"),
        ("intake", "0010_sent_twice_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="applicationmessage",
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
            model_name="applicationmessage",
            index=models.Index(
                condition=models.Q(("from_clinic", False), ("read_at__isnull", True)),
                fields=["clinic"],
                include=("application",),
                name="application_unread_by_clinic",
            ),
        ),
    ]
