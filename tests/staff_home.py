"""The staff home as a signed-in person reads it (not a test module): its page and the
number of queries it took, for the tests of each role's part of the home."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def read_home(login, user) -> tuple[str, int]:
    client = login(user)
    with CaptureQueriesContext(connection) as seen:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode(), len(seen)
