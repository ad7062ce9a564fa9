"""The signed-in person now keeps the whole rows of its role clinics (decision 0090),
so that a patient page takes its episode's clinic from them instead of reading the
clinics table: core 0025's trigger, which raised the counters of a clinic's staff when
the clinic was renamed, now raises them when any of the clinic's columns changes (its
settings are written by a manager now and then: a handful of counters each time)."""

from django.db import migrations

BUCKETS = 256  # tessera.core.identity.BUCKETS (a migration does not import app code)


def _sqlite_trigger(of: str, when: str) -> str:
    return (
        f"CREATE TRIGGER core_clinic_identity_update AFTER UPDATE {of}ON core_clinic "
        f"FOR EACH ROW {when}BEGIN UPDATE core_identityversion SET version = version + 1 "
        f"WHERE bucket IN (SELECT user_id % {BUCKETS} FROM core_clinicrole "
        "WHERE clinic_id = NEW.id); END;"
    )


POSTGRES = [
    "DROP TRIGGER core_clinic_identity ON core_clinic;",
    # core 0025's function: every login holding a role at the clinic.
    "CREATE TRIGGER core_clinic_identity AFTER UPDATE ON core_clinic "
    "FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) "
    "EXECUTE FUNCTION core_clinic_identity_bump();",
]
POSTGRES_BACK = [
    "DROP TRIGGER core_clinic_identity ON core_clinic;",
    "CREATE TRIGGER core_clinic_identity AFTER UPDATE OF name ON core_clinic "
    "FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) "
    "EXECUTE FUNCTION core_clinic_identity_bump();",
]
SQLITE = [
    "DROP TRIGGER core_clinic_identity_update;",
    _sqlite_trigger("", ""),
]
SQLITE_BACK = [
    "DROP TRIGGER core_clinic_identity_update;",
    _sqlite_trigger("OF name ", "WHEN OLD.name IS NOT NEW.name "),
]


def _run(schema_editor, statements: dict[str, list[str]]) -> None:
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def forwards(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES, "sqlite": SQLITE})


def backwards(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES_BACK, "sqlite": SQLITE_BACK})


class Migration(migrations.Migration):
    dependencies = [("core", "0028_identity_counter_by_key_and_security_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
