"""The list of clinics says, on each clinic, what would leave a patient at risk unseen
or stops it taking patients (decision 0157): no crisis contacts of its own, hours when a
risk alert would reach nobody, an unguided clinic's working hours without anyone on
call. Before, a region administrator saw it only by opening each clinic's page."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tessera.core.models import ClinicRole, CrisisContact
from tessera.core.roles import Role
from tests.conftest import make_clinic


def _cards(page: str) -> dict[str, str]:
    """Each clinic's card on the list (up to the next card), by its slug."""
    chunks = page.split('<li class="card">')[1:]
    return {re.match(r'<a href="/clinics/([\w-]+)/">', chunk).group(1): chunk for chunk in chunks}


def _list(client) -> tuple[dict[str, str], int]:
    with CaptureQueriesContext(connection) as seen:
        response = client.get(reverse("clinic_list"))
    assert response.status_code == 200
    return _cards(response.content.decode()), len(seen)


def test_each_clinic_says_what_must_be_fixed(world, login):
    bare = make_clinic(world.region, "bare")  # no manager, nobody on call
    CrisisContact.objects.filter(clinic=bare).delete()
    cards, _ = _list(login(world["region_admin"]))
    assert "No crisis contacts of its own: the clinic cannot take patients." in cards["bare"]
    assert "A risk alert would reach nobody at these hours" in cards["bare"]
    assert "Monday 00–24" in cards["bare"]
    # A clinic with its manager: an alert always reaches someone; contacts set.
    assert ClinicRole.objects.filter(clinic=world.clinic, role=Role.CLINIC_MANAGER).exists()
    assert "Must be fixed" not in cards[world.clinic.slug]


def test_the_list_reads_the_same_queries_for_one_clinic_or_many(world, login):
    client = login(world["region_admin"])
    _list(client)
    make_clinic(world.region, "one")
    _, few = _list(client)
    for n in range(5):
        make_clinic(world.region, f"more-{n}")
    cards, many = _list(client)
    assert many == few
    assert all("A risk alert would reach nobody" in cards[f"more-{n}"] for n in range(5))
