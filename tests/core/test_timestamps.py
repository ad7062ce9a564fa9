"""PostgreSQL's timestamps read by ``datetime.fromisoformat`` (``core.timestamps``,
decision 0072): the values, their time zone and the errors are Django's own loader's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's timestamp loader"
)

TEXTS = [
    "2026-12-05 16:38:59.123456+00",
    "2026-12-05 16:38:59.1+00",
    "2026-12-05 16:38:59+00",
    "2026-03-29 01:30:00+01",  # another offset: the same instant, in UTC
    "1900-01-01 00:00:00+00:53:28",  # an offset with seconds (Stockholm's mean time)
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
    None,
]


def _read(texts, *, django_loader: bool, zone: str = "UTC"):
    """The texts as timestamptz, read by this connection's loader or by Django's own
    (registered on the cursor alone, as Django's ``create_cursor`` does)."""
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    connection.ensure_connection()
    with connection.cursor() as cursor:
        if django_loader:
            register_tzloader(connection.timezone, cursor.cursor)
        cursor.execute("SELECT set_config('TimeZone', %s, true)", [zone])
        cursor.execute(
            "SELECT t::timestamptz FROM unnest(%s::text[]) WITH ORDINALITY AS a(t, n) ORDER BY n",
            [texts],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_the_connections_loader_is_this_one():
    from tessera.core.timestamps import _loader_class

    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(1184, 0)
    assert loader is _loader_class()
    assert loader.timezone is dt.UTC  # what Django's create_cursor compares


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["UTC", "Europe/Stockholm"])
def test_values_and_time_zones_are_djangos(zone):
    """In UTC (Django's) every value is read by ``fromisoformat``; in another session
    time zone (set by hand) they go to Django's loader, with Django's answer."""
    # (Year 9999's last hour is past year 10000 east of UTC: an error with either.)
    texts = TEXTS if zone == "UTC" else [t for t in TEXTS if not (t or "").startswith("9999")]
    ours = _read(texts, django_loader=False, zone=zone)
    django = _read(texts, django_loader=True, zone=zone)
    assert ours == django
    assert [v and (v.tzinfo, v.utcoffset()) for v in ours] == [
        v and (v.tzinfo, v.utcoffset()) for v in django
    ]
    if zone == "UTC":
        assert all(v is None or v.tzinfo is dt.UTC for v in ours)
        assert ours[3] == dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text", ["infinity", "-infinity", "0044-03-15 12:00:00+00 BC", "10000-01-01 00:00:00+00"]
)
def test_what_datetime_cannot_hold_fails_as_with_djangos(text):
    def outcome(django_loader):
        try:
            return _read([text], django_loader=django_loader)
        except Exception as error:  # noqa: BLE001 - compared below
            return type(error), str(error)

    assert outcome(False) == outcome(True)


@pytest.mark.django_db
def test_model_fields_read_as_before(world):
    """A model's datetimes (a nullable one among them) as Django's loader reads them."""
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    from tessera.treatment.models import DueMeasure

    columns = ["id", "opens_at", "due_at", "expires_at", "completed_at"]
    dues = list(DueMeasure.objects.order_by("pk").values_list(*columns))
    assert dues
    with connection.cursor() as cursor:
        register_tzloader(connection.timezone, cursor.cursor)
        cursor.execute(f"SELECT {', '.join(columns)} FROM treatment_duemeasure ORDER BY id")
        assert cursor.fetchall() == dues
