"""Questionnaires due, responses and the kept last activity carry their episode's clinic, kept by the database,
with clinic-leading partial indexes for a team's counts (issue 16, decision 0053).

The manager's staff home counted a team's inactive patients, overdue questionnaires and
deteriorations with one index descent per episode (a few hundred), each a level deeper as the country
grew; by the clinic they are one range each. The column is written by triggers, so that
every way of writing rows (the ORM, bulk inserts, raw SQL) keeps it: a row takes its
episode's clinic when it is inserted or when its episode or the copy is written, and an
episode's clinic, when the episode is inserted (after its rows, in a transaction whose
foreign keys are checked at the commit) or moved, is copied to its rows. The bulk load
of ``bench/scale.py`` (triggers off) writes it itself.

On SQLite a later migration that rebuilds one of these tables or the episode table drops
these triggers (as for core 0018 and treatment 0015): it must create them again.
"""

# The SQL is built from this file's own constants only (table and function names).
# ruff: noqa: S608

import django.db.models.deletion
from django.db import migrations, models

TABLES = ["treatment_duemeasure", "treatment_response", "treatment_episodeactivity"]


def postgres(tables: list[str], name: str) -> list[str]:
    """The triggers on ``tables`` and on the episodes (``name`` names the latter's
    function), after the column is filled."""
    statements = [
        # One function for every table with (episode_id, clinic_id) (messaging 0004 too).
        """CREATE OR REPLACE FUNCTION row_take_episode_clinic() RETURNS trigger AS $$
           DECLARE c bigint;
           BEGIN
             SELECT e.clinic_id INTO c FROM treatment_episode e WHERE e.id = NEW.episode_id;
             IF FOUND THEN  -- (not yet, when the episode's row comes later)
               NEW.clinic_id := c;
             END IF;
             RETURN NEW;
           END; $$ LANGUAGE plpgsql;""",
    ]
    copies = "\n".join(
        f"""UPDATE {t} SET clinic_id = NEW.clinic_id
             WHERE episode_id = NEW.id AND clinic_id IS DISTINCT FROM NEW.clinic_id;"""
        for t in tables
    )
    for t in tables:
        statements += [
            f"""CREATE TRIGGER {t}_clinic_insert BEFORE INSERT ON {t}
                FOR EACH ROW EXECUTE FUNCTION row_take_episode_clinic();""",
            f"""CREATE TRIGGER {t}_clinic_update BEFORE UPDATE OF episode_id, clinic_id ON {t}
                FOR EACH ROW WHEN (OLD.episode_id IS DISTINCT FROM NEW.episode_id
                                   OR OLD.clinic_id IS DISTINCT FROM NEW.clinic_id)
                EXECUTE FUNCTION row_take_episode_clinic();""",
        ]
    statements += [
        f"""CREATE FUNCTION {name}() RETURNS trigger AS $$
            BEGIN
              {copies}
              RETURN NULL;
            END; $$ LANGUAGE plpgsql;""",
        f"""CREATE TRIGGER {name}_moved AFTER UPDATE OF clinic_id ON treatment_episode
            FOR EACH ROW WHEN (OLD.clinic_id IS DISTINCT FROM NEW.clinic_id)
            EXECUTE FUNCTION {name}();""",
        f"""CREATE TRIGGER {name}_new AFTER INSERT ON treatment_episode
            FOR EACH ROW EXECUTE FUNCTION {name}();""",
    ]
    return statements


def postgres_fill(tables: list[str]) -> list[str]:
    return [
        f"""UPDATE {t} r SET clinic_id = e.clinic_id FROM treatment_episode e
             WHERE e.id = r.episode_id AND r.clinic_id IS DISTINCT FROM e.clinic_id;"""
        for t in tables
    ]


def postgres_reverse(tables: list[str], name: str) -> list[str]:
    statements = [
        f"DROP TRIGGER {name}_new ON treatment_episode;",
        f"DROP TRIGGER {name}_moved ON treatment_episode;",
        f"DROP FUNCTION {name}();",
    ]
    for t in tables:
        statements += [
            f"DROP TRIGGER {t}_clinic_update ON {t};",
            f"DROP TRIGGER {t}_clinic_insert ON {t};",
        ]
    return statements


def _sqlite_take(t: str) -> str:
    return f"""UPDATE {t} SET clinic_id =
                 (SELECT clinic_id FROM treatment_episode WHERE id = NEW.episode_id)
               WHERE rowid = NEW.rowid;"""


def sqlite(tables: list[str], name: str) -> list[str]:
    # SQLite cannot change NEW in a BEFORE trigger: the row is updated after it is written.
    statements = []
    for t in tables:
        statements += [
            f"CREATE TRIGGER {t}_clinic_insert AFTER INSERT ON {t} BEGIN {_sqlite_take(t)} END;",
            f"""CREATE TRIGGER {t}_clinic_update AFTER UPDATE OF episode_id, clinic_id ON {t}
                WHEN NEW.clinic_id IS NOT
                     (SELECT clinic_id FROM treatment_episode WHERE id = NEW.episode_id)
                BEGIN {_sqlite_take(t)} END;""",
        ]
    copies = " ".join(
        f"UPDATE {t} SET clinic_id = NEW.clinic_id WHERE episode_id = NEW.id;" for t in tables
    )
    statements += [
        f"""CREATE TRIGGER {name}_moved AFTER UPDATE OF clinic_id ON treatment_episode
            BEGIN {copies} END;""",
        f"CREATE TRIGGER {name}_new AFTER INSERT ON treatment_episode BEGIN {copies} END;",
    ]
    return statements


def sqlite_fill(tables: list[str]) -> list[str]:
    return [
        f"""UPDATE {t} SET clinic_id =
              (SELECT clinic_id FROM treatment_episode e WHERE e.id = {t}.episode_id);"""
        for t in tables
    ]


def sqlite_reverse(tables: list[str], name: str) -> list[str]:
    statements = [f"DROP TRIGGER {name}_new;", f"DROP TRIGGER {name}_moved;"]
    for t in tables:
        statements += [f"DROP TRIGGER {t}_clinic_update;", f"DROP TRIGGER {t}_clinic_insert;"]
    return statements


NAME = "episode_clinic_to_treatment_rows"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = postgres_fill(TABLES) + postgres(TABLES, NAME)
    elif vendor == "sqlite":
        statements = sqlite_fill(TABLES) + sqlite(TABLES, NAME)
    else:
        statements = []
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    reverse = {"postgresql": postgres_reverse, "sqlite": sqlite_reverse}.get(vendor)
    for sql in reverse(TABLES, NAME) if reverse else []:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0021_episode_clinic_therapist_statistics"),
        ("treatment", "0015_episode_activity"),
    ]

    operations = [
        migrations.AddField(
            model_name="duemeasure",
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
        migrations.AddField(
            model_name="response",
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
        migrations.AddField(
            model_name="episodeactivity",
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
            model_name="episodeactivity",
            index=models.Index(fields=["clinic"], name="activity_by_clinic"),
        ),
        migrations.AddIndex(
            model_name="duemeasure",
            index=models.Index(
                condition=models.Q(("cancelled", False), ("completed_at__isnull", True)),
                fields=["clinic", "expires_at"],
                include=("episode", "due_at"),
                name="due_open_by_clinic",
            ),
        ),
        migrations.AddIndex(
            model_name="duemeasure",
            index=models.Index(
                condition=models.Q(("time_point", "pre")),
                fields=["clinic"],
                include=("id",),
                name="due_pre_by_clinic",
            ),
        ),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(
                condition=models.Q(("total__isnull", False)),
                fields=["clinic"],
                include=("episode", "instrument", "submitted_at", "total", "due", "id"),
                name="response_scored_by_clinic",
            ),
        ),
    ]
