"""The live server keeps its PostgreSQL connections from one request to the next
(``KeptConnectionsServer``, decision 0129)."""

from urllib.request import Request, urlopen

import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test import Client

from tests.conftest import sign_in

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the live server keeps connections on PostgreSQL"
)


def _server_backends() -> dict[int, str]:
    """The other backends on the test database (the live server's), and their state."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, state FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return dict(cursor.fetchall())


def test_requests_one_after_another_share_one_connection(live_server, e2e_world):
    name = settings.SESSION_COOKIE_NAME
    cookie = sign_in(Client(), e2e_world.patient.user).cookies[name].value
    home = live_server.url + resolve_url(settings.LOGIN_REDIRECT_URL)
    before = _server_backends()  # connections kept from earlier journeys, if any
    seen = []
    for _ in range(4):
        # A new socket each time (urllib closes it): a new thread of the live server,
        # which reads the session and the patient's home from the database.
        request = Request(home, headers={"Cookie": f"{name}={cookie}"})
        with urlopen(request, timeout=10) as response:  # noqa: S310 - the live server
            assert response.status == 200
            assert response.url == home
        seen.append(_server_backends())
    # One backend at most was started for the four (none if one was kept already), and
    # it is still there after the last request: kept, not closed.
    started = set().union(*seen) - before.keys()
    assert len(started) <= 1, seen
    assert seen[-1], seen
