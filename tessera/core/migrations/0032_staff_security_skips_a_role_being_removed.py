"""A security event is not filed under a clinic whose role of its actor is being removed
(decision 0091, "2026-12-06 (later)", the race left over).

On PostgreSQL (READ COMMITTED) an event recorded while its actor's last role at a clinic
is being removed, neither committed, was filed under that clinic for good: the event's
trigger read the role (its removal not committed), the role's trigger did not see the
event's row (not committed) and so did not take it away; in either order.

The event's trigger now reads the actor's roles ``FOR KEY SHARE SKIP LOCKED``:

- a role another transaction is removing (its row locked by the ``DELETE``, or by an
  update that moves it to another person or clinic) is skipped: the event is not filed
  there. If that removal rolls back, the event is one the sweep files
  (``staff_security.file_recent``), as for a role being granted;
- a role it files under stays locked (key share) until the event's transaction ends, so
  a removal that comes after waits for it and its trigger then sees the event's row
  and takes it away.

The event's trigger never waits (``SKIP LOCKED``), so no order of locks is added to the
audit append; a role's removal may wait for a security event's transaction of the same
person to end, which holds nothing the removal holds (the audit row is written last,
decision 0066). Key share does not conflict with an ordinary update of the role (the
person's name, e-mail or active flag copied to it, core 0023). SQLite writes one
transaction at a time: its triggers see each other, nothing to change.
"""

from django.db import migrations

COLUMNS = "clinic_id, event_id, at, actor_id, action, ip_address"


def _function(roles: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION auditevent_file_staff_security() RETURNS trigger AS $$
       BEGIN
         INSERT INTO core_staffsecurityevent ({COLUMNS})
         SELECT DISTINCT r.clinic_id, NEW.id, NEW.at, NEW.actor_id, NEW.action, NEW.ip_address
           FROM ({roles}) r
         ON CONFLICT DO NOTHING;
         RETURN NULL;
       END; $$ LANGUAGE plpgsql;"""  # noqa: S608 (constants only)


_ROLES = "SELECT clinic_id FROM core_clinicrole WHERE user_id = NEW.actor_id"
POSTGRES = [_function(f"{_ROLES} FOR KEY SHARE SKIP LOCKED")]
POSTGRES_REVERSE = [_function(_ROLES)]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_REVERSE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0031_staff_security_unique_on_sqlite"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
