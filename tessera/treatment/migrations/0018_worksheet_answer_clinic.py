"""Worksheet answers carry their plan entry's episode's clinic, kept by the database, with
a clinic-leading partial index of the answers sent (issue 16, decision 0064).

The team workload's reply times read the worksheets sent in nine weeks: without the
clinic on the answer, the week's answers of the whole country from
``(submitted_at, feedback_at)``, or one descent per plan entry of the clinic. With it,
the clinic's answers sent in the weeks are one range of ``worksheet_sent_by_clinic``.
The inbox read the country's answers waiting for feedback the same way; now the range of
its clinics in ``worksheet_owed_by_clinic``.

As treatment 0016 keeps the other rows' clinic: an answer takes its clinic when it is
inserted or when its plan entry or the copy is written; a plan entry inserted (after its
answers, in a transaction whose foreign keys are checked at the commit) or moved to
another episode, and an episode inserted or moved to another clinic, copy it to their
answers. The bulk load of ``bench/scale.py`` (triggers off) writes it itself.

On SQLite a later migration that rebuilds the answer, plan entry or episode table drops
these triggers: it must create them again.
"""

from django.db import migrations, models

# The clinic of the plan entry ``{entry}``'s episode.
_CLINIC_OF_ENTRY = """(SELECT e.clinic_id FROM treatment_planentry p
                        JOIN treatment_episode e ON e.id = p.episode_id
                       WHERE p.id = {entry})"""

POSTGRES = [
    """UPDATE treatment_worksheetanswer a SET clinic_id = e.clinic_id
         FROM treatment_planentry p JOIN treatment_episode e ON e.id = p.episode_id
        WHERE p.id = a.entry_id AND a.clinic_id IS DISTINCT FROM e.clinic_id;""",
    """CREATE FUNCTION worksheet_answer_take_clinic() RETURNS trigger AS $$
       DECLARE c bigint;
       BEGIN
         SELECT e.clinic_id INTO c FROM treatment_planentry p
           JOIN treatment_episode e ON e.id = p.episode_id WHERE p.id = NEW.entry_id;
         IF FOUND THEN  -- (not yet, when the entry's or episode's row comes later)
           NEW.clinic_id := c;
         END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER treatment_worksheetanswer_clinic_insert
       BEFORE INSERT ON treatment_worksheetanswer
       FOR EACH ROW EXECUTE FUNCTION worksheet_answer_take_clinic();""",
    """CREATE TRIGGER treatment_worksheetanswer_clinic_update
       BEFORE UPDATE OF entry_id, clinic_id ON treatment_worksheetanswer
       FOR EACH ROW WHEN (OLD.entry_id IS DISTINCT FROM NEW.entry_id
                          OR OLD.clinic_id IS DISTINCT FROM NEW.clinic_id)
       EXECUTE FUNCTION worksheet_answer_take_clinic();""",
    """CREATE FUNCTION plan_entry_clinic_to_answers() RETURNS trigger AS $$
       BEGIN
         UPDATE treatment_worksheetanswer a SET clinic_id = e.clinic_id
           FROM treatment_episode e
          WHERE a.entry_id = NEW.id AND e.id = NEW.episode_id
            AND a.clinic_id IS DISTINCT FROM e.clinic_id;
         RETURN NULL;
       END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER plan_entry_clinic_to_answers_moved
       AFTER UPDATE OF episode_id ON treatment_planentry
       FOR EACH ROW WHEN (OLD.episode_id IS DISTINCT FROM NEW.episode_id)
       EXECUTE FUNCTION plan_entry_clinic_to_answers();""",
    """CREATE TRIGGER plan_entry_clinic_to_answers_new
       AFTER INSERT ON treatment_planentry
       FOR EACH ROW EXECUTE FUNCTION plan_entry_clinic_to_answers();""",
    """CREATE FUNCTION episode_clinic_to_worksheet_answers() RETURNS trigger AS $$
       BEGIN
         UPDATE treatment_worksheetanswer a SET clinic_id = NEW.clinic_id
           FROM treatment_planentry p
          WHERE p.episode_id = NEW.id AND a.entry_id = p.id
            AND a.clinic_id IS DISTINCT FROM NEW.clinic_id;
         RETURN NULL;
       END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER episode_clinic_to_worksheet_answers_moved
       AFTER UPDATE OF clinic_id ON treatment_episode
       FOR EACH ROW WHEN (OLD.clinic_id IS DISTINCT FROM NEW.clinic_id)
       EXECUTE FUNCTION episode_clinic_to_worksheet_answers();""",
    """CREATE TRIGGER episode_clinic_to_worksheet_answers_new
       AFTER INSERT ON treatment_episode
       FOR EACH ROW EXECUTE FUNCTION episode_clinic_to_worksheet_answers();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER episode_clinic_to_worksheet_answers_new ON treatment_episode;",
    "DROP TRIGGER episode_clinic_to_worksheet_answers_moved ON treatment_episode;",
    "DROP FUNCTION episode_clinic_to_worksheet_answers();",
    "DROP TRIGGER plan_entry_clinic_to_answers_new ON treatment_planentry;",
    "DROP TRIGGER plan_entry_clinic_to_answers_moved ON treatment_planentry;",
    "DROP FUNCTION plan_entry_clinic_to_answers();",
    "DROP TRIGGER treatment_worksheetanswer_clinic_update ON treatment_worksheetanswer;",
    "DROP TRIGGER treatment_worksheetanswer_clinic_insert ON treatment_worksheetanswer;",
    "DROP FUNCTION worksheet_answer_take_clinic();",
]

# SQLite cannot change NEW in a BEFORE trigger: the row is updated after it is written.
_SQLITE_TAKE = f"""UPDATE treatment_worksheetanswer
       SET clinic_id = {_CLINIC_OF_ENTRY.format(entry="NEW.entry_id")}
     WHERE rowid = NEW.rowid;"""
SQLITE = [
    f"""UPDATE treatment_worksheetanswer
          SET clinic_id = {_CLINIC_OF_ENTRY.format(entry="treatment_worksheetanswer.entry_id")};""",
    f"""CREATE TRIGGER treatment_worksheetanswer_clinic_insert
        AFTER INSERT ON treatment_worksheetanswer BEGIN {_SQLITE_TAKE} END;""",
    f"""CREATE TRIGGER treatment_worksheetanswer_clinic_update
        AFTER UPDATE OF entry_id, clinic_id ON treatment_worksheetanswer
        WHEN NEW.clinic_id IS NOT {_CLINIC_OF_ENTRY.format(entry="NEW.entry_id")}
        BEGIN {_SQLITE_TAKE} END;""",
    """CREATE TRIGGER plan_entry_clinic_to_answers_moved
       AFTER UPDATE OF episode_id ON treatment_planentry
       BEGIN UPDATE treatment_worksheetanswer
                SET clinic_id = (SELECT clinic_id FROM treatment_episode WHERE id = NEW.episode_id)
              WHERE entry_id = NEW.id; END;""",
    """CREATE TRIGGER plan_entry_clinic_to_answers_new
       AFTER INSERT ON treatment_planentry
       BEGIN UPDATE treatment_worksheetanswer
                SET clinic_id = (SELECT clinic_id FROM treatment_episode WHERE id = NEW.episode_id)
              WHERE entry_id = NEW.id; END;""",
    """CREATE TRIGGER episode_clinic_to_worksheet_answers_moved
       AFTER UPDATE OF clinic_id ON treatment_episode
       BEGIN UPDATE treatment_worksheetanswer SET clinic_id = NEW.clinic_id
              WHERE entry_id IN (SELECT id FROM treatment_planentry
                                  WHERE episode_id = NEW.id); END;""",
    """CREATE TRIGGER episode_clinic_to_worksheet_answers_new
       AFTER INSERT ON treatment_episode
       BEGIN UPDATE treatment_worksheetanswer SET clinic_id = NEW.clinic_id
              WHERE entry_id IN (SELECT id FROM treatment_planentry
                                  WHERE episode_id = NEW.id); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER episode_clinic_to_worksheet_answers_new;",
    "DROP TRIGGER episode_clinic_to_worksheet_answers_moved;",
    "DROP TRIGGER plan_entry_clinic_to_answers_new;",
    "DROP TRIGGER plan_entry_clinic_to_answers_moved;",
    "DROP TRIGGER treatment_worksheetanswer_clinic_update;",
    "DROP TRIGGER treatment_worksheetanswer_clinic_insert;",
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
        ("treatment", "0017_due_open_by_clinic_rows"),
    ]

    operations = [
        migrations.AddField(
            model_name="worksheetanswer",
            name="clinic",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                editable=False,
                null=True,
                on_delete=models.deletion.DO_NOTHING,
                related_name="+",
                to="core.clinic",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AddIndex(
            model_name="worksheetanswer",
            index=models.Index(
                condition=models.Q(("submitted_at__isnull", False)),
                fields=["clinic", "submitted_at"],
                include=("entry", "feedback_at"),
                name="worksheet_sent_by_clinic",
            ),
        ),
        migrations.AddIndex(
            model_name="worksheetanswer",
            index=models.Index(
                condition=models.Q(("feedback_at__isnull", True), ("submitted_at__isnull", False)),
                fields=["clinic"],
                include=("entry", "submitted_at", "step", "id"),
                name="worksheet_owed_by_clinic",
            ),
        ),
    ]
