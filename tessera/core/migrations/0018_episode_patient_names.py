"""The patient's name on each of their episodes, kept by the database (issue 16).

The patient list sorts and searches the scope's own episode entries by name, so it
never reads every patient row in a scope. The copy is made by triggers, so that every
way of writing rows (the ORM, bulk inserts, COPY in bench/scale.py, raw SQL) keeps it:
an episode takes its patient's name when it is inserted or when its patient or the
copy itself is written, and a patient's name, when the patient is inserted (after
their episodes, in a transaction whose foreign keys are checked at the commit) or
renamed, is copied to their episodes.

On SQLite a migration that rebuilds the episode or patient table (adding a field with a
default does) drops these triggers: such a migration must come before this one, or
create them again.
"""

from django.db import migrations, models

POSTGRES = [
    """CREATE FUNCTION episode_take_patient_name() RETURNS trigger AS $$
       DECLARE p_last text; p_first text;
       BEGIN
         SELECT p.last_name, p.first_name INTO p_last, p_first
           FROM core_patient p WHERE p.id = NEW.patient_id;
         IF FOUND THEN  -- (not yet, when the patient's row comes later in a transaction)
           NEW.patient_last_name := p_last;
           NEW.patient_first_name := p_first;
         END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER episode_patient_name
       BEFORE INSERT OR UPDATE OF patient_id, patient_last_name, patient_first_name
       ON treatment_episode FOR EACH ROW EXECUTE FUNCTION episode_take_patient_name();""",
    """CREATE FUNCTION patient_name_to_episodes() RETURNS trigger AS $$
       BEGIN
         UPDATE treatment_episode
            SET patient_last_name = NEW.last_name, patient_first_name = NEW.first_name
          WHERE patient_id = NEW.id;
         RETURN NULL;
       END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER patient_name_to_episodes
       AFTER UPDATE OF last_name, first_name ON core_patient FOR EACH ROW
       WHEN (OLD.last_name IS DISTINCT FROM NEW.last_name
             OR OLD.first_name IS DISTINCT FROM NEW.first_name)
       EXECUTE FUNCTION patient_name_to_episodes();""",
    """CREATE TRIGGER patient_name_to_new_episodes
       AFTER INSERT ON core_patient FOR EACH ROW
       EXECUTE FUNCTION patient_name_to_episodes();""",
    """UPDATE treatment_episode e SET patient_last_name = p.last_name,
              patient_first_name = p.first_name
         FROM core_patient p WHERE p.id = e.patient_id;""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER patient_name_to_new_episodes ON core_patient;",
    "DROP TRIGGER patient_name_to_episodes ON core_patient;",
    "DROP FUNCTION patient_name_to_episodes();",
    "DROP TRIGGER episode_patient_name ON treatment_episode;",
    "DROP FUNCTION episode_take_patient_name();",
]

# SQLite cannot change NEW in a BEFORE trigger: the row is updated after it is written
# (recursive triggers are off, so the trigger's own update does not fire it again).
_SQLITE_TAKE = """UPDATE treatment_episode
       SET patient_last_name = (SELECT last_name FROM core_patient WHERE id = NEW.patient_id),
           patient_first_name = (SELECT first_name FROM core_patient WHERE id = NEW.patient_id)
     WHERE id = NEW.id AND EXISTS (SELECT 1 FROM core_patient WHERE id = NEW.patient_id);"""
_SQLITE_GIVE = """UPDATE treatment_episode
       SET patient_last_name = NEW.last_name, patient_first_name = NEW.first_name
     WHERE patient_id = NEW.id;"""
SQLITE = [
    f"""CREATE TRIGGER episode_patient_name_insert AFTER INSERT ON treatment_episode
        BEGIN {_SQLITE_TAKE} END;""",
    f"""CREATE TRIGGER episode_patient_name_update
        AFTER UPDATE OF patient_id, patient_last_name, patient_first_name
        ON treatment_episode BEGIN {_SQLITE_TAKE} END;""",
    f"""CREATE TRIGGER patient_name_to_episodes AFTER UPDATE OF last_name, first_name
        ON core_patient BEGIN {_SQLITE_GIVE} END;""",
    f"""CREATE TRIGGER patient_name_to_new_episodes AFTER INSERT
        ON core_patient BEGIN {_SQLITE_GIVE} END;""",
    """UPDATE treatment_episode
          SET patient_last_name = (SELECT last_name FROM core_patient p
                                    WHERE p.id = treatment_episode.patient_id),
              patient_first_name = (SELECT first_name FROM core_patient p
                                     WHERE p.id = treatment_episode.patient_id);""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER patient_name_to_new_episodes;",
    "DROP TRIGGER patient_name_to_episodes;",
    "DROP TRIGGER episode_patient_name_update;",
    "DROP TRIGGER episode_patient_name_insert;",
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
        ("core", "0017_episode_new_to_therapist"),
        ("programs", "0005_programme_primary_measure"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="episode",
            name="episode_clinic_patient",
        ),
        migrations.RemoveIndex(
            model_name="episode",
            name="episode_therapist_patient",
        ),
        migrations.AddField(
            model_name="episode",
            name="patient_first_name",
            field=models.CharField(default="", editable=False, max_length=100),
        ),
        migrations.AddField(
            model_name="episode",
            name="patient_last_name",
            field=models.CharField(default="", editable=False, max_length=100),
        ),
        migrations.AddIndex(
            model_name="episode",
            index=models.Index(
                fields=["clinic", "patient"],
                include=("therapist", "id", "patient_last_name", "patient_first_name"),
                name="episode_clinic_patient",
            ),
        ),
        migrations.AddIndex(
            model_name="episode",
            index=models.Index(
                fields=["therapist", "clinic", "patient"],
                include=("id", "patient_last_name", "patient_first_name"),
                name="episode_therapist_patient",
            ),
        ),
        migrations.AddIndex(
            model_name="patient",
            index=models.Index(
                condition=models.Q(("national_id", ""), _negated=True),
                fields=["national_id"],
                name="patient_national_id",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
