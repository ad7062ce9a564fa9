"""The inbox draws a page without making every row of the team (decision 0159): each
kind's first rows, ordered and cut in the database (alerts, replies) or picked from what
a Python rule found before a row is made (the other kinds), give exactly the page of
the whole list sorted (``worklist.build``), ties included, and the tabs' counts; a
page makes at most its own rows, however many the team has (it made every one)."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone

from tessera.core.models import User
from tessera.inbox import items, scope, worklist
from tessera.messaging.models import Message
from tessera.safety.models import RiskAlert
from tests.conftest import sign_in
from tests.inbox.inbox_world import caseload, manual_programme, risk_alert

pytestmark = pytest.mark.django_db

EVERY_KIND = ["", *(kind for kind, _label in items.KINDS)]


def _team(world):
    """Two therapists' patients with a row of every kind, all from one moment (every
    kind's rows tie on their time), and ties the key decides: alerts of one severity at
    one moment whose ids differ in their number of digits ("risk-1000000" comes before
    "risk-999999"), and a message sent at the moment a worksheet was."""
    programme = manual_programme(world.region)
    start = timezone.now() - dt.timedelta(days=30)
    patients = caseload(world, world["therapist"], programme, 6, start=start)
    patients += caseload(world, world["colleague"], programme, 4, start=start)
    moment = timezone.now() - dt.timedelta(days=3)
    for index, pk in enumerate([999_999, 1_000_000, 99_999_998, 9_999_999]):
        risk_alert(patients[index][1], at=moment, severity="urgent", pk=pk)
    for severity in ["moderate", "high", "urgent"]:
        risk_alert(patients[5][1], at=moment + dt.timedelta(hours=1), severity=severity)
    _patient, episode, answer = patients[6]
    Message.objects.create(
        pk=88_888_888,
        episode=episode,
        author=episode.patient.user,
        from_patient=True,
        body="text",
        sent_at=answer.submitted_at,
        submission_key=uuid.uuid4(),
    )
    return patients


def _team_choice(user):
    fresh = User.objects.get(pk=user.pk)
    therapists = scope.team_therapists(fresh)
    return fresh, scope.choose(fresh, "all", therapists), therapists


def test_every_page_of_every_kind_is_the_whole_lists_page_ties_included(world):
    _team(world)
    user, choice, therapists = _team_choice(world["supervisor"])
    now = timezone.now()
    built = worklist.build(scope.caseload(user, choice), now, people=[user, *therapists])
    assert RiskAlert.objects.filter(pk=1_000_000).exists()
    for kind in EVERY_KIND:
        whole = [item.key for item in built.of_kind(kind)]
        # ``reach``: where the page asked for ends (the rows it reaches read first).
        for reach in (0, 3, 7, 50, 100):
            episodes = scope.caseload(user, choice)
            drawn = worklist.draw(episodes, now, kind=kind, people=[user], reach=reach)
            assert drawn.counts == built.counts
            assert drawn.total == built.total
            assert len(drawn.rows) == len(whole)
            for size in (1, 3, 7, 50):
                pages = Paginator(drawn.rows, size)
                assert pages.count == len(whole)
                for number in pages.page_range:
                    page = [item.key for item in pages.page(number).object_list]
                    expected = whole[(number - 1) * size : number * size]
                    assert page == expected, (kind, reach, size, number)
    keys = [item.key for item in built.of_kind(items.RISK)]
    assert keys.index("risk-1000000") < keys.index("risk-999999")
    replies = [item.key for item in built.of_kind(items.REPLY)]
    assert "message-88888888" in replies


def test_the_team_page_shows_the_whole_lists_rows_in_order(world, client):
    _team(world)
    user, choice, therapists = _team_choice(world["supervisor"])
    built = worklist.build(scope.caseload(user, choice), people=[user, *therapists])
    sign_in(client, world["supervisor"])
    assert len(built.items) > 50  # two pages
    for kind in ["", items.REPLY, items.OVERDUE]:
        whole = [item.key for item in built.of_kind(kind)]
        for number in range(1, (len(whole) + 49) // 50 + 1):
            url = reverse("inbox") + f"?therapist=all&kind={kind}&page={number}"
            html = client.get(url).content.decode()
            shown = re.findall(r'<tr id="([a-z]+-\d+)"', html)
            assert shown == whole[(number - 1) * 50 : number * 50], (kind, number)


def test_a_team_page_makes_no_more_rows_than_it_shows(world, client, monkeypatch):
    """Pinned as 0153 pinned the caseload: the team has far more rows than a page (every
    patient a row of every kind), and the page makes only its fifty."""
    _team(world)
    made = []
    real_init = items.Item.__init__

    def counted(self, *args, **kwargs):
        made.append(args[0])
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(items.Item, "__init__", counted)
    sign_in(client, world["supervisor"])
    response = client.get(reverse("inbox") + "?therapist=all")
    assert response.status_code == 200
    total = response.context["work"].total
    assert total > 70, total
    assert len(made) <= 50, (len(made), total)
    made.clear()
    response = client.get(reverse("inbox") + f"?therapist=all&kind={items.OVERDUE}")
    assert response.status_code == 200
    assert len(made) <= 50
