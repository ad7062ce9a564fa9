"""The patient's date of birth on each of their episodes, kept by the database as the
names are (core 0018), and carried by the patient list's two covering indexes (issue 16,
decision 0080).

The patient list shows a patient's name and date of birth. With the date copied, a page
of the list is read from the same range of ``episode_clinic_patient`` or
``episode_therapist_patient`` as its order and its count: no patient row is read by id
(25 descents of the patients' primary key, a level taller with every tenfold growth of
the country's patients).

The triggers of core 0018 are made again with the same names, now copying the date
too: an episode takes it with the name when inserted or when its patient or copy is
written; a patient's change of name or date of birth is copied to their episodes.

On PostgreSQL the copy is filled by one UPDATE of every episode, which writes a new
version of every row and index entry, in the order of its join (not the rows' own): on
a large table, afterwards,
``CLUSTER treatment_episode USING treatment_episode_pkey;
ALTER TABLE treatment_episode SET WITHOUT CLUSTER; VACUUM (ANALYZE) treatment_episode;``
puts the rows back in the order they were written (a clinic's and a caseload's
episodes on few pages, as the pages that read episode rows expect), gives back the
space and the indexes' density, and sets the visibility map the index-only scans need
(decision 0080).
"""

from django.db import migrations, models

POSTGRES = [
    """CREATE OR REPLACE FUNCTION episode_take_patient_name() RETURNS trigger AS $$
       DECLARE p_last text; p_first text; p_born date;
       BEGIN
         SELECT p.last_name, p.first_name, p.date_of_birth INTO p_last, p_first, p_born
           FROM core_patient p WHERE p.id = NEW.patient_id;
         IF FOUND THEN  -- (not yet, when the patient's row comes later in a transaction)
           NEW.patient_last_name := p_last;
           NEW.patient_first_name := p_first;
           NEW.patient_date_of_birth := p_born;
         END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql;""",
    """CREATE OR REPLACE FUNCTION patient_name_to_episodes() RETURNS trigger AS $$
       BEGIN
         UPDATE treatment_episode
            SET patient_last_name = NEW.last_name, patient_first_name = NEW.first_name,
                patient_date_of_birth = NEW.date_of_birth
          WHERE patient_id = NEW.id;
         RETURN NULL;
       END; $$ LANGUAGE plpgsql;""",
    # Filled before the trigger below is told of the new column (so that it is not run
    # for every episode), after the functions (so that no row written meanwhile is left
    # out: the migration runs in one transaction).
    """UPDATE treatment_episode e SET patient_date_of_birth = p.date_of_birth
         FROM core_patient p WHERE p.id = e.patient_id;""",
    "DROP TRIGGER episode_patient_name ON treatment_episode;",
    """CREATE TRIGGER episode_patient_name
       BEFORE INSERT OR UPDATE OF patient_id, patient_last_name, patient_first_name,
                                  patient_date_of_birth
       ON treatment_episode FOR EACH ROW EXECUTE FUNCTION episode_take_patient_name();""",
    "DROP TRIGGER patient_name_to_episodes ON core_patient;",
    """CREATE TRIGGER patient_name_to_episodes
       AFTER UPDATE OF last_name, first_name, date_of_birth ON core_patient FOR EACH ROW
       WHEN (OLD.last_name IS DISTINCT FROM NEW.last_name
             OR OLD.first_name IS DISTINCT FROM NEW.first_name
             OR OLD.date_of_birth IS DISTINCT FROM NEW.date_of_birth)
       EXECUTE FUNCTION patient_name_to_episodes();""",
]
POSTGRES_REVERSE = [
    """CREATE OR REPLACE FUNCTION episode_take_patient_name() RETURNS trigger AS $$
       DECLARE p_last text; p_first text;
       BEGIN
         SELECT p.last_name, p.first_name INTO p_last, p_first
           FROM core_patient p WHERE p.id = NEW.patient_id;
         IF FOUND THEN
           NEW.patient_last_name := p_last;
           NEW.patient_first_name := p_first;
         END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql;""",
    """CREATE OR REPLACE FUNCTION patient_name_to_episodes() RETURNS trigger AS $$
       BEGIN
         UPDATE treatment_episode
            SET patient_last_name = NEW.last_name, patient_first_name = NEW.first_name
          WHERE patient_id = NEW.id;
         RETURN NULL;
       END; $$ LANGUAGE plpgsql;""",
    "DROP TRIGGER episode_patient_name ON treatment_episode;",
    """CREATE TRIGGER episode_patient_name
       BEFORE INSERT OR UPDATE OF patient_id, patient_last_name, patient_first_name
       ON treatment_episode FOR EACH ROW EXECUTE FUNCTION episode_take_patient_name();""",
    "DROP TRIGGER patient_name_to_episodes ON core_patient;",
    """CREATE TRIGGER patient_name_to_episodes
       AFTER UPDATE OF last_name, first_name ON core_patient FOR EACH ROW
       WHEN (OLD.last_name IS DISTINCT FROM NEW.last_name
             OR OLD.first_name IS DISTINCT FROM NEW.first_name)
       EXECUTE FUNCTION patient_name_to_episodes();""",
]


def _sqlite(dated: bool) -> list[str]:
    """Core 0018's SQLite triggers, copying the date of birth too when ``dated``."""
    born_take = (
        ",\n           patient_date_of_birth = (SELECT date_of_birth FROM core_patient"
        " WHERE id = NEW.patient_id)"
        if dated
        else ""
    )
    take = f"""UPDATE treatment_episode
       SET patient_last_name = (SELECT last_name FROM core_patient WHERE id = NEW.patient_id),
           patient_first_name = (SELECT first_name FROM core_patient WHERE id = NEW.patient_id){born_take}
     WHERE id = NEW.id AND EXISTS (SELECT 1 FROM core_patient WHERE id = NEW.patient_id);"""
    born_give = ", patient_date_of_birth = NEW.date_of_birth" if dated else ""
    give = f"""UPDATE treatment_episode
       SET patient_last_name = NEW.last_name, patient_first_name = NEW.first_name{born_give}
     WHERE patient_id = NEW.id;"""
    copy_columns = "patient_id, patient_last_name, patient_first_name"
    patient_columns = "last_name, first_name"
    if dated:
        copy_columns += ", patient_date_of_birth"
        patient_columns += ", date_of_birth"
    statements = [
        "DROP TRIGGER episode_patient_name_insert;",
        "DROP TRIGGER episode_patient_name_update;",
        "DROP TRIGGER patient_name_to_episodes;",
        "DROP TRIGGER patient_name_to_new_episodes;",
        f"""CREATE TRIGGER episode_patient_name_insert AFTER INSERT ON treatment_episode
            BEGIN {take} END;""",
        f"""CREATE TRIGGER episode_patient_name_update AFTER UPDATE OF {copy_columns}
            ON treatment_episode BEGIN {take} END;""",
        f"""CREATE TRIGGER patient_name_to_episodes AFTER UPDATE OF {patient_columns}
            ON core_patient BEGIN {give} END;""",
        f"""CREATE TRIGGER patient_name_to_new_episodes AFTER INSERT
            ON core_patient BEGIN {give} END;""",
    ]
    if dated:  # filled between the triggers, so that none of them runs for every row
        statements.insert(
            4,
            """UPDATE treatment_episode SET patient_date_of_birth = (
                 SELECT date_of_birth FROM core_patient p
                  WHERE p.id = treatment_episode.patient_id);""",
        )
    return statements


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": _sqlite(True), "postgresql": POSTGRES}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": _sqlite(False), "postgresql": POSTGRES_REVERSE}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0025_patient_identity_version"),
        ("programs", "0006_step_sent_twice"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="episode", name="episode_clinic_patient"),
        migrations.RemoveIndex(model_name="episode", name="episode_therapist_patient"),
        migrations.AddField(
            model_name="episode",
            name="patient_date_of_birth",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AddIndex(
            model_name="episode",
            index=models.Index(
                fields=["clinic", "patient"],
                include=(
                    "therapist",
                    "id",
                    "patient_last_name",
                    "patient_first_name",
                    "patient_date_of_birth",
                ),
                name="episode_clinic_patient",
            ),
        ),
        migrations.AddIndex(
            model_name="episode",
            index=models.Index(
                fields=["therapist", "clinic", "patient"],
                include=("id", "patient_last_name", "patient_first_name", "patient_date_of_birth"),
                name="episode_therapist_patient",
            ),
        ),
    ]
