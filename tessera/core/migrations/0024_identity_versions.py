"""A counter per bucket of logins, raised by triggers when a login, its roles or its
second factors change (decision 0063): the signed-in person kept between requests is
used only while their bucket's counter is unchanged."""

from django.db import migrations, models

BUCKETS = 256  # tessera.core.identity.BUCKETS (a migration does not import app code)

# (table, column holding the login's id). Every write of these rows raises the counter
# of the bucket of the login before and after: the ORM, update(), raw SQL, COPY.
WATCHED = [
    ("core_user", "id"),
    ("core_clinicrole", "user_id"),
    ("core_regionadministrator", "user_id"),
    ("mfa_authenticator", "user_id"),
]

POSTGRES_FUNCTION = f"""
CREATE FUNCTION core_identity_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- OLD is NULL on INSERT, NEW on DELETE; the column is named by the trigger.
    UPDATE core_identityversion SET version = version + 1
    WHERE bucket IN (
        mod((to_jsonb(OLD) ->> TG_ARGV[0])::bigint, {BUCKETS}),
        mod((to_jsonb(NEW) ->> TG_ARGV[0])::bigint, {BUCKETS})
    );
    RETURN NULL;
END $$;
"""  # noqa: S608 (constants only)


def _postgres() -> tuple[list[str], list[str]]:
    forwards, backwards = [POSTGRES_FUNCTION], []
    for table, column in WATCHED:
        forwards.append(
            f"CREATE TRIGGER {table}_identity AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION core_identity_bump('{column}');"
        )
        backwards.append(f"DROP TRIGGER {table}_identity ON {table};")
    backwards.append("DROP FUNCTION core_identity_bump();")
    return forwards, backwards


def _sqlite() -> tuple[list[str], list[str]]:
    forwards, backwards = [], []
    for table, column in WATCHED:
        for event, rows in [
            ("INSERT", [f"NEW.{column}"]),
            ("UPDATE", [f"OLD.{column}", f"NEW.{column}"]),
            ("DELETE", [f"OLD.{column}"]),
        ]:
            buckets = ", ".join(f"{row} % {BUCKETS}" for row in rows)
            name = f"{table}_identity_{event.lower()}"
            forwards.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN "  # noqa: S608
                f"UPDATE core_identityversion SET version = version + 1 "
                f"WHERE bucket IN ({buckets}); END;"
            )
            backwards.append(f"DROP TRIGGER {name};")
    return forwards, backwards


def forwards(apps, schema_editor):
    IdentityVersion = apps.get_model("core", "IdentityVersion")
    IdentityVersion.objects.bulk_create(IdentityVersion(bucket=b) for b in range(BUCKETS))
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": _postgres, "sqlite": _sqlite}.get(vendor, lambda: ([], []))()[0]
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": _postgres, "sqlite": _sqlite}.get(vendor, lambda: ([], []))()[1]
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0023_clinic_role_user_names"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [
        migrations.CreateModel(
            name="IdentityVersion",
            fields=[
                ("bucket", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("version", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
