"""The inbox's queries do not grow with the caseload: 6 and 60 patients, each with a row
of every kind, cost the same number of queries (the service and the page)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tessera.core.models import User
from tessera.inbox import items, scope, worklist
from tessera.inbox.scope import Choice
from tests.inbox.inbox_world import caseload, manual_programme

pytestmark = pytest.mark.django_db


def _count(func):
    with CaptureQueriesContext(connection) as captured:
        result = func()
    return len(captured), result


def test_the_worklist_and_the_page_cost_the_same_for_6_and_60_patients(
    world, client, read_from_database
):
    from tests.conftest import sign_in

    therapist = world["therapist"]
    programme = manual_programme(world.region)
    caseload(world, therapist, programme, 6)

    def service():
        # A fresh user each time, as in a request (roles and second factor not cached).
        user = User.objects.get(pk=therapist.pk)
        with CaptureQueriesContext(connection) as captured:
            work = worklist.build(scope.caseload(user, Choice(user, team=False)))
        return len(captured), work

    def page():
        return client.get(reverse("inbox"))

    sign_in(client, therapist)
    small, work = service()
    small_page, response = _count(page)
    assert response.status_code == 200
    counts = {kind: n for kind, _label, n in work.counts}
    assert all(counts[kind] >= 6 for kind, _label in items.KINDS), counts

    caseload(world, therapist, programme, 54)
    large, work = service()
    large_page, response = _count(page)
    assert response.status_code == 200
    counts = {kind: n for kind, _label, n in work.counts}
    assert all(counts[kind] >= 60 for kind, _label in items.KINDS), counts
    assert large == small, (small, large)
    # A page draws only the kinds it reaches (decision 0159): 60 patients' alerts fill it,
    # and the alerts and replies are counted apart (three COUNTs) only when their rows do
    # not all fit the page; fewer are all read, and counted by the read.
    assert large_page <= small_page + 3, (small_page, large_page)
    # Four for the user (staff, second factor, roles, patient record), three for the
    # caseload (its episodes, then their clinics and their therapists, each read once and
    # shared by the episodes; issue 16) and seven for the rows. "Overdue" counts days in
    # each clinic's time zone from the caseload's own clinics, no query (issue 16; it
    # read every clinic's time zone before). One for the leave they cover today (decision
    # 0160's follow-up: its patients' waiting messages are in their own inbox).
    assert small <= 15


def test_the_team_inbox_costs_the_same_for_small_and_large_teams(world, client, read_from_database):
    from tests.conftest import sign_in

    programme = manual_programme(world.region)
    caseload(world, world["therapist"], programme, 2)
    sign_in(client, world["supervisor"])
    url = reverse("inbox") + "?therapist=all"
    small, response = _count(lambda: client.get(url))
    assert response.status_code == 200
    caseload(world, world["colleague"], programme, 12)
    large, response = _count(lambda: client.get(url))
    assert response.status_code == 200
    # A page draws only the kinds it reaches (decision 0159): the larger team's first
    # kinds fill it.
    assert large <= small, (small, large)
