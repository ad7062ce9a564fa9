"""A team's caseload sorted by open alerts (its default), last activity or next due is
ordered and paged in the database: only the page's rows are worked out, in the order the
rows sorted in Python had (decision 0153). It worked out every row of the team to draw
one page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from tessera.appointments.models import Appointment
from tessera.core.models import ClinicRole, Episode
from tessera.core.roles import Role
from tessera.inbox import caseload, scope
from tessera.safety.models import RiskAlert
from tessera.treatment.models import DueMeasure, EpisodeActivity
from tests.conftest import make_patient, make_user, sign_in
from tests.inbox.inbox_world import (
    full_patient,
    manual_programme,
    message,
    overdue,
    risk_alert,
)
from tests.paging import queries_of_a_full_page

pytestmark = pytest.mark.django_db

SORTS = ["-alerts", "alerts", "-activity", "activity", "due", "-due"]


def _rows(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="caseload-(\d+)"', html)]


def _patient(world, name: str, *, therapist=None, first: str = "Ann"):
    therapist = therapist or world["therapist"]
    email = f"{first}.{name}.{Episode.objects.count()}@ties.test".lower()
    return make_patient(world.clinic, email, therapist=therapist, first=first, last=name)[1]


@pytest.fixture
def ties(world):
    """A team whose rows tie on every column of the alerts' key in turn: open alerts,
    a therapist who has left, replies owed (worksheets and messages), the name, and
    namesakes; some with activity at the same moment."""
    now = timezone.now()
    hour = dt.timedelta(hours=1)
    leaver = make_user("leaver@alpha.test")
    ClinicRole.objects.create(user=leaver, clinic=world.clinic, role=Role.THERAPIST)
    two = _patient(world, "Zeta")
    risk_alert(two, at=now - hour)
    risk_alert(two, at=now - hour)
    one = [_patient(world, name) for name in ("Young", "Adams", "Moss", "Moss")]
    for episode in one:
        risk_alert(episode, at=now - hour)
    message(one[2], at=now - hour)
    resolved = _patient(world, "Resolved")
    risk_alert(resolved, at=now - hour, resolved_at=now, action=RiskAlert.Action.PHONED)
    left = [_patient(world, name, therapist=leaver) for name in ("Left", "Gone", "Away")]
    risk_alert(left[0], at=now - hour)
    message(left[1], at=now - hour)
    ended = _patient(world, "Ended", therapist=leaver)
    Episode.objects.filter(pk=ended.pk).update(status=Episode.Status.ENDED)
    waiting = _patient(world, "Waits")
    message(waiting, at=now - 2 * hour)
    message(waiting, at=now - hour)
    answered = _patient(world, "Answered")
    message(answered, at=now - hour, from_patient=False)
    for first in ("Bo", "Bo", "Cy"):
        _patient(world, "Same", first=first)
    programme = manual_programme(world.region)
    for _ in range(2):  # an alert, a worksheet and a message waiting: replies 2
        full_patient(world, world["colleague"], programme, 0, start=now - dt.timedelta(days=20))
    ClinicRole.objects.filter(user=leaver).delete()
    moment = now - dt.timedelta(days=2)
    for episode in [*one[:2], left[2], waiting]:  # the same last activity: a tie
        EpisodeActivity.objects.update_or_create(
            episode=episode, defaults={"at": moment, "source": "last_message"}
        )
    # The same next due (a questionnaire, a session and both), one expired, one booked
    # in the past: ties, and what is not due.
    for episode in [one[0], one[3], waiting]:
        overdue(episode)
    DueMeasure.objects.filter(episode__in=[one[0], one[3], waiting]).update(due_at=moment)
    expired = overdue(left[0])
    DueMeasure.objects.filter(pk=expired.pk).update(expires_at=now - hour)
    for episode, at in [(one[1], moment), (waiting, now + hour), (answered, now - hour)]:
        Appointment.objects.create(
            episode=episode,
            therapist=world["therapist"],
            kind=Appointment.Kind.VIDEO,
            starts_at=at,
            status=Appointment.Status.BOOKED,
            booked_by=world["therapist"],
        )


@pytest.mark.parametrize("sort", SORTS)
def test_the_database_orders_the_team_as_the_rows_sorted_in_python(world, ties, sort):
    user = world["supervisor"]
    choice = scope.choose(user, "all", scope.team_therapists(user))
    everyone = caseload.rows(scope.CaseloadRead(user, choice), timezone.now())
    in_python = [row.episode.pk for row in caseload.arrange(everyone, sort=sort)]
    name, descending = caseload.parse_sort(sort)
    found = caseload.in_order(scope.caseload(user, choice), name, descending)
    assert [row[0] for row in found] == in_python
    # The ties are there to be broken (else the test shows nothing).
    counts = {
        row.episode.pk: (row.alerts, row.needs_new_therapist, row.replies) for row in everyone
    }
    assert {(1, False, 0), (1, False, 1), (1, True, 0), (0, True, 1), (1, False, 2)} <= set(
        counts.values()
    )


def _team(world, size: int) -> None:
    for index in range(size):
        episode = _patient(world, f"Name{index:03d}")
        if index % 7 == 0:
            risk_alert(episode, at=timezone.now())


@pytest.mark.parametrize("sort", ["", "&sort=-activity", "&sort=alerts", "&sort=due"])
def test_a_team_page_works_out_only_its_own_rows(world, client, monkeypatch, sort):
    """A team of 150 episodes: one page of 50 rows worked out, not the whole team."""
    _team(world, 150)
    worked_out = []
    rows = caseload.rows

    def counting(*args, **kwargs):
        found = rows(*args, **kwargs)
        worked_out.append(len(found))
        return found

    monkeypatch.setattr(caseload, "rows", counting)
    sign_in(client, world["supervisor"])
    response = client.get("/caseload/?therapist=all" + sort)
    assert response.context["total"] > 150
    assert len(_rows(response.content.decode())) == caseload.PER_PAGE
    assert worked_out == [caseload.PER_PAGE]


def test_the_default_page_asks_the_same_queries_for_one_page_of_rows_and_three(
    world, client, monkeypatch, read_from_database
):
    url = "/caseload/?therapist=all"
    sign_in(client, world["supervisor"])
    _team(world, 2)
    size = client.get(url).context["total"]
    monkeypatch.setattr(caseload, "PER_PAGE", size)
    client.get(url)
    one = queries_of_a_full_page(client, url, _rows, size)
    assert client.get(url).context["page"].paginator.num_pages == 1
    _team(world, 2 * size)
    three = queries_of_a_full_page(client, url, _rows, size)
    assert client.get(url).context["page"].paginator.num_pages == 3
    assert one == three, (one, three)


def test_the_supervisor_finds_the_patients_at_risk_on_the_first_page(world, client, monkeypatch):
    monkeypatch.setattr(caseload, "PER_PAGE", 3)
    _team(world, 10)  # alerts at Name000 and Name007
    last = _patient(world, "Zzz")
    for _ in range(2):
        risk_alert(last, at=timezone.now())
    sign_in(client, world["supervisor"])
    rows = _rows(client.get("/caseload/?therapist=all").content.decode())
    names = dict(Episode.objects.filter(pk__in=rows).values_list("pk", "patient_last_name"))
    assert [names[pk] for pk in rows] == ["Zzz", "Name000", "Name007"]


def test_the_default_list_counts_the_flags_the_database_works_out(world, ties, client):
    """Beside **Show**: open alerts, a reply owed and a therapist who left, counted as the
    rows count them; deterioration and inactivity need every row worked out: no count."""
    user = world["supervisor"]
    choice = scope.choose(user, "all", scope.team_therapists(user))
    everyone = caseload.rows(scope.CaseloadRead(user, choice), timezone.now())
    sign_in(client, user)
    flags = {key: n for key, _label, n in client.get("/caseload/?therapist=all").context["flags"]}
    for key in ("alerts", "reply", "new_therapist"):
        assert flags[key] == sum(1 for row in everyone if row.has(key)) > 0, key
    assert flags["deteriorated"] is None and flags["inactive"] is None


@pytest.mark.parametrize("flag", sorted(caseload.DATABASE_FLAGS))
# (Not by name: namesakes are in key order there, as decision 0147 made it.)
@pytest.mark.parametrize("sort", ["-alerts", "-activity", "due"])
def test_a_flag_the_database_works_out_filters_the_team_as_the_rows_did(world, ties, flag, sort):
    user = world["supervisor"]
    choice = scope.choose(user, "all", scope.team_therapists(user))
    everyone = caseload.rows(scope.CaseloadRead(user, choice), timezone.now())
    in_python = [row.episode.pk for row in caseload.arrange(everyone, sort=sort, flag=flag)]
    name, descending = caseload.parse_sort(sort)
    assert caseload.in_database(choice, name, flag)
    found = caseload.in_order(scope.caseload(user, choice), name, descending, flag=flag)
    assert [row[0] for row in found] == in_python and len(in_python) > 1


def test_a_team_page_filtered_by_open_alerts_works_out_only_those_rows(world, client, monkeypatch):
    _team(world, 150)  # an open alert for every seventh: 22
    worked_out = []
    rows = caseload.rows

    def counting(*args, **kwargs):
        found = rows(*args, **kwargs)
        worked_out.append(len(found))
        return found

    monkeypatch.setattr(caseload, "rows", counting)
    sign_in(client, world["supervisor"])
    response = client.get("/caseload/?therapist=all&flag=alerts")
    assert response.context["total"] > 150  # the list's own number, as before
    assert len(_rows(response.content.decode())) == 22 and worked_out == [22]
