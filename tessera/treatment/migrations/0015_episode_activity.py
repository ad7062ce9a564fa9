"""The patient's last doing per episode (``EpisodeActivity``), kept by triggers, and
filled from the rows already written (issue 16).

The triggers fire on every way of writing the rows that count as activity (the ORM,
bulk inserts, COPY, raw SQL): a message from the patient (``sent_at``), a worksheet
answer (``updated_at``), a questionnaire response (``submitted_at``), a module opened
(``started_at``) or completed (``completed_at``). A newer moment replaces the kept one;
on the same moment the greater source name wins (as ``max`` of (moment, name) in
``inbox.activity``). The fill below picks the same newest row from scratch.

A moment moved back (the demo dates its rows back after writing them) or a row that
stops counting forgets the kept time when it was that row's, and the episode's newest is
worked out again from its rows. A deleted row is not followed (rows that count are kept
for the record; an episode's are deleted with it).

On SQLite a later migration that rebuilds one of these four tables drops its triggers
(as for core 0018): such a migration must create them again.
"""

# The SQL is built from this file's own constants only (table, column and source names).
# ruff: noqa: S608

import django.db.models.deletion
from django.db import migrations, models


def sources(episode: str = "") -> str:
    """Every source row as (episode, moment, source), of one episode if given: the
    definition, for the fill and for working it out again when a time moves back."""
    one = f" AND episode_id = {episode}" if episode else ""
    joined = f" WHERE e.episode_id = {episode}" if episode else ""
    return f"""
    SELECT episode_id, sent_at AS at, 'last_message' AS source
      FROM messaging_message WHERE from_patient{one}
    UNION ALL
    SELECT e.episode_id, w.updated_at, 'last_worksheet'
      FROM treatment_worksheetanswer w JOIN treatment_planentry e ON e.id = w.entry_id{joined}
    UNION ALL
    SELECT episode_id, submitted_at, 'last_response' FROM treatment_response
     WHERE TRUE{one}
    UNION ALL
    SELECT episode_id, started_at, 'last_module'
      FROM treatment_planentry WHERE started_at IS NOT NULL{one}
    UNION ALL
    SELECT episode_id, completed_at, 'last_completed'
      FROM treatment_planentry WHERE completed_at IS NOT NULL{one}
    """


FILL = f"""
    INSERT INTO treatment_episodeactivity (episode_id, at, source)
    SELECT episode_id, at, source FROM (
      SELECT episode_id, at, source, ROW_NUMBER() OVER (
               PARTITION BY episode_id ORDER BY at DESC, source DESC) AS n
        FROM ({sources()}) AS doings
    ) AS newest WHERE n = 1
"""


def newest_of(episode: str) -> str:
    """Insert the newest doing of one episode, when it has no kept row."""
    return f"""
    INSERT INTO treatment_episodeactivity (episode_id, at, source)
    SELECT episode_id, at, source FROM ({sources(episode)}) AS doings WHERE TRUE
     ORDER BY at DESC, source DESC LIMIT 1
    ON CONFLICT (episode_id) DO NOTHING"""


# (table, name, counts (of a row R), episode (of R), moment column, source, columns)
WATCHED = [
    (
        "messaging_message",
        "message",
        "{R}.from_patient",
        "{R}.episode_id",
        "sent_at",
        "last_message",
        "sent_at, from_patient, episode_id",
    ),
    (
        "treatment_worksheetanswer",
        "worksheet",
        "TRUE",
        "(SELECT episode_id FROM treatment_planentry WHERE id = {R}.entry_id)",
        "updated_at",
        "last_worksheet",
        "updated_at, entry_id",
    ),
    (
        "treatment_response",
        "response",
        "TRUE",
        "{R}.episode_id",
        "submitted_at",
        "last_response",
        "submitted_at, episode_id",
    ),
    (
        "treatment_planentry",
        "module",
        "{R}.started_at IS NOT NULL",
        "{R}.episode_id",
        "started_at",
        "last_module",
        "started_at",
    ),
    (
        "treatment_planentry",
        "completed",
        "{R}.completed_at IS NOT NULL",
        "{R}.episode_id",
        "completed_at",
        "last_completed",
        "completed_at",
    ),
]


def _statements(counts, episode, moment, source, *, sqlite: bool) -> tuple[str, str]:
    """(on an update: forget the kept time if it was this row's and the row moved back
    or stopped counting, and work it out again; then: note the new row's time)."""
    new_counts, old_counts = counts.format(R="NEW"), counts.format(R="OLD")
    new_episode, old_episode = episode.format(R="NEW"), episode.format(R="OLD")
    if sqlite:
        new_counts, old_counts = new_counts.replace("TRUE", "1"), old_counts.replace("TRUE", "1")
    moved_back = f"""
    DELETE FROM treatment_episodeactivity
     WHERE episode_id = {old_episode} AND at = OLD.{moment} AND source = '{source}'
       AND {old_counts}
       AND NOT ({new_counts} AND {new_episode} = {old_episode} AND NEW.{moment} >= OLD.{moment});
    {newest_of(old_episode)};"""
    note = f"""
    INSERT INTO treatment_episodeactivity (episode_id, at, source)
    SELECT {new_episode}, NEW.{moment}, '{source}' WHERE {new_counts}
    ON CONFLICT (episode_id) DO NOTHING;
    UPDATE treatment_episodeactivity SET at = NEW.{moment}, source = '{source}'
     WHERE episode_id = {new_episode} AND {new_counts}
       AND (at, source) < (NEW.{moment}, '{source}');"""
    return moved_back, note


POSTGRES = []
POSTGRES_REVERSE = []
SQLITE = []
SQLITE_REVERSE = []
for table, name, counts, episode, moment, source, columns in WATCHED:
    moved_back, note = _statements(counts, episode, moment, source, sqlite=False)
    POSTGRES += [
        f"""CREATE FUNCTION treatment_activity_{name}() RETURNS trigger AS $$
            BEGIN
              IF TG_OP = 'UPDATE' THEN {moved_back}
              END IF;
              {note}
              RETURN NULL;
            END; $$ LANGUAGE plpgsql;""",
        f"""CREATE TRIGGER treatment_activity_{name}
            AFTER INSERT OR UPDATE OF {columns} ON {table}
            FOR EACH ROW EXECUTE FUNCTION treatment_activity_{name}();""",
    ]
    POSTGRES_REVERSE += [
        f"DROP TRIGGER treatment_activity_{name} ON {table};",
        f"DROP FUNCTION treatment_activity_{name}();",
    ]
    moved_back, note = _statements(counts, episode, moment, source, sqlite=True)
    SQLITE += [
        f"""CREATE TRIGGER treatment_activity_{name}_insert AFTER INSERT ON {table}
            BEGIN {note} END;""",
        f"""CREATE TRIGGER treatment_activity_{name}_update AFTER UPDATE OF {columns}
            ON {table} BEGIN {moved_back} {note} END;""",
    ]
    SQLITE_REVERSE += [
        f"DROP TRIGGER treatment_activity_{name}_insert;",
        f"DROP TRIGGER treatment_activity_{name}_update;",
    ]
POSTGRES.append(FILL)
SQLITE.append(FILL)


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
        ("core", "0019_clinic_postal_address"),
        ("messaging", "0002_episode_moves_to_core"),
        ("treatment", "0014_due_before_treatment_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="EpisodeActivity",
            fields=[
                (
                    "episode",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="last_activity",
                        serialize=False,
                        to="core.episode",
                    ),
                ),
                ("at", models.DateTimeField()),
                ("source", models.CharField(max_length=20)),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
