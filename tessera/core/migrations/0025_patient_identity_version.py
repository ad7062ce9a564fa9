"""The signed-in person also keeps whether the login is a patient (its patient's id) and
the names of its role clinics (decision 0068): the counter of decision 0063 must then
move when a patient row gains, loses or changes its login, and when a clinic where the
login holds a role is renamed. Triggers on ``core_patient`` and ``core_clinic`` raise it,
as core 0024's triggers do for the login, its roles and its second factors. On
PostgreSQL the counters' table also gets room for its updates in place."""

from django.db import migrations

BUCKETS = 256  # tessera.core.identity.BUCKETS (a migration does not import app code)

POSTGRES_CLINIC_FUNCTION = f"""
CREATE FUNCTION core_clinic_identity_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Every login holding a role at the renamed clinic (a handful of rows: the roles'
    -- clinic index).
    UPDATE core_identityversion SET version = version + 1
    WHERE bucket IN (
        SELECT mod(user_id, {BUCKETS}) FROM core_clinicrole WHERE clinic_id = NEW.id
    );
    RETURN NULL;
END $$;
"""  # noqa: S608 (constants only)

POSTGRES = [
    # core 0024's function, given the column: the login before and after.
    "CREATE TRIGGER core_patient_identity AFTER INSERT OR DELETE ON core_patient "
    "FOR EACH ROW EXECUTE FUNCTION core_identity_bump('user_id');",
    # Only when the login really changes: saving a patient's details writes every column.
    "CREATE TRIGGER core_patient_identity_user AFTER UPDATE OF user_id ON core_patient "
    "FOR EACH ROW WHEN (OLD.user_id IS DISTINCT FROM NEW.user_id) "
    "EXECUTE FUNCTION core_identity_bump('user_id');",
    POSTGRES_CLINIC_FUNCTION,
    "CREATE TRIGGER core_clinic_identity AFTER UPDATE OF name ON core_clinic "
    "FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) "
    "EXECUTE FUNCTION core_clinic_identity_bump();",
    # Every request reads one counter row by its key. Room in each page for its rows'
    # next versions keeps their updates in place (HOT: no new index entry), and the
    # table rewritten once drops what bulk writes left: its index one page again, as
    # at 1k, whatever came before (2 -> 3 pages at 100k in the bench copies).
    "ALTER TABLE core_identityversion SET (fillfactor = 50);",
    "CLUSTER core_identityversion USING core_identityversion_pkey;",
]
POSTGRES_BACK = [
    "ALTER TABLE core_identityversion RESET (fillfactor);",
    "DROP TRIGGER core_clinic_identity ON core_clinic;",
    "DROP FUNCTION core_clinic_identity_bump();",
    "DROP TRIGGER core_patient_identity_user ON core_patient;",
    "DROP TRIGGER core_patient_identity ON core_patient;",
]


def _bump(buckets: str) -> str:
    return f"UPDATE core_identityversion SET version = version + 1 WHERE bucket IN ({buckets});"  # noqa: S608


SQLITE = [
    "CREATE TRIGGER core_patient_identity_insert AFTER INSERT ON core_patient "
    f"FOR EACH ROW BEGIN {_bump(f'NEW.user_id % {BUCKETS}')} END;",
    "CREATE TRIGGER core_patient_identity_update AFTER UPDATE OF user_id ON core_patient "
    "FOR EACH ROW WHEN OLD.user_id IS NOT NEW.user_id "
    f"BEGIN {_bump(f'OLD.user_id % {BUCKETS}, NEW.user_id % {BUCKETS}')} END;",
    "CREATE TRIGGER core_patient_identity_delete AFTER DELETE ON core_patient "
    f"FOR EACH ROW BEGIN {_bump(f'OLD.user_id % {BUCKETS}')} END;",
    "CREATE TRIGGER core_clinic_identity_update AFTER UPDATE OF name ON core_clinic "
    "FOR EACH ROW WHEN OLD.name IS NOT NEW.name BEGIN "
    f"{_bump(f'SELECT user_id % {BUCKETS} FROM core_clinicrole WHERE clinic_id = NEW.id')} "
    "END;",
]
SQLITE_BACK = [
    "DROP TRIGGER core_clinic_identity_update;",
    "DROP TRIGGER core_patient_identity_delete;",
    "DROP TRIGGER core_patient_identity_update;",
    "DROP TRIGGER core_patient_identity_insert;",
]


def _run(schema_editor, statements: dict[str, list[str]]) -> None:
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def forwards(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES, "sqlite": SQLITE})


def backwards(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES_BACK, "sqlite": SQLITE_BACK})


class Migration(migrations.Migration):
    dependencies = [("core", "0024_identity_versions")]

    operations = [migrations.RunPython(forwards, backwards)]
