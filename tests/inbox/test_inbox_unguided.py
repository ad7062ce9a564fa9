"""Patients of a clinic without therapists (unguided care) are watched: their overdue
questionnaires, inactivity and deterioration appear in the team inbox of the clinic's
managers and supervisors and of its staff on call; the whole-team inbox names each
row's therapist."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tessera.core.actions import do_grant_role
from tessera.core.roles import Role
from tessera.inbox import scope, worklist
from tests.conftest import make_clinic, make_user, sign_in
from tests.inbox.inbox_world import full_patient, manual_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def unguided(world):
    """A clinic with a manager and a person on call but no therapist, and one unguided
    patient weeks into treatment with overdue questionnaires."""
    clinic = make_clinic(world.region, "selfhelp", offers_unguided=True)
    manager = make_user("manager@selfhelp.test", second_factor=True)
    do_grant_role(manager, clinic, Role.CLINIC_MANAGER)
    on_call = make_user("oncall@selfhelp.test", second_factor=True)
    do_grant_role(on_call, clinic, Role.ASSESSOR, on_call=True)
    programme = manual_programme(world.region, key="selfhelp")
    start = timezone.now() - dt.timedelta(days=30)
    patient, episode, *_ = full_patient(world, manager, programme, 7, start=start, clinic=clinic)
    episode.therapist = None
    episode.care_model = "unguided"
    episode.save(update_fields=["therapist", "care_model"])
    return clinic, manager, on_call, patient, episode


def test_the_manager_of_a_clinic_without_therapists_sees_its_patients(unguided, client):
    clinic, manager, _on_call, patient, episode = unguided
    choice = scope.choose(manager, None, scope.team_therapists(manager))
    assert choice.team and choice.therapist is None
    kinds = {item.kind for item in worklist.build(scope.caseload(manager, choice)).items}
    assert {"overdue", "inactive"} <= kinds
    sign_in(client, manager)
    html = client.get(reverse("inbox")).content.decode()
    assert "Nothing is waiting" not in html
    assert 'data-kind="overdue"' in html and str(patient) in html
    assert "No therapist (unguided)" in html
    assert 'value="none"' in html  # "patients without a therapist"


def test_staff_on_call_watch_the_unguided_patients(unguided, client):
    _clinic, _manager, on_call, patient, _episode = unguided
    sign_in(client, on_call)
    nav = [str(label) for _href, label in client.get(reverse("home")).context["nav"]]
    assert "Inbox" in nav
    html = client.get(reverse("inbox")).content.decode()
    assert 'data-kind="overdue"' in html and str(patient) in html


def test_patients_without_a_therapist_can_be_picked_out(world, unguided, client):
    _clinic, manager, _on_call, patient, _episode = unguided
    do_grant_role(manager, world.clinic, Role.SUPERVISOR)  # a team with therapists too
    sign_in(client, manager)
    html = client.get(reverse("inbox") + "?therapist=none").content.decode()
    body = html[html.index("<tbody>") :]
    assert str(patient) in body and str(world.patient) not in body


def test_the_whole_team_inbox_has_a_therapist_column(world, client):
    programme = manual_programme(world.region)
    start = timezone.now() - dt.timedelta(days=30)
    full_patient(world, world["therapist"], programme, 1, start=start)
    sign_in(client, world["supervisor"])
    html = client.get(reverse("inbox") + "?therapist=all").content.decode()
    assert '<th scope="col">Therapist</th>' in html
    assert f'<td data-column="therapist">{world["therapist"]}' in html
    one = client.get(reverse("inbox") + f"?therapist={world['therapist'].pk}").content.decode()
    assert '<th scope="col">Therapist</th>' not in one


def test_on_call_staff_do_not_mark_worksheets_as_seen(unguided, client):
    _clinic, _manager, on_call, _patient, _episode = unguided
    sign_in(client, on_call)
    response = client.post(reverse("worksheet_seen", args=[1]))
    assert response.status_code == 403


def test_a_questionnaire_due_today_is_not_overdue(world):
    """Issue 20: anything due today counted as overdue. It is overdue from the next day
    (in the clinic's time zone)."""
    import zoneinfo

    from tessera.inbox import collect
    from tessera.treatment.models import DueMeasure

    tz = zoneinfo.ZoneInfo(world.clinic.time_zone)
    today_morning = timezone.now().astimezone(tz).replace(hour=0, minute=5)
    DueMeasure.objects.filter(pk=world.due.pk).update(due_at=today_morning)
    episodes = scope.caseload(world["therapist"], scope.Choice(world["therapist"], team=False))
    later_today = today_morning.replace(hour=23, minute=50)
    ids = episodes.values("pk")
    assert not [
        r
        for r in collect.overdue_questionnaires(ids, later_today)
        if r.key == f"due-{world.due.pk}"
    ]
    tomorrow = later_today + dt.timedelta(minutes=20)
    assert [
        r for r in collect.overdue_questionnaires(ids, tomorrow) if r.key == f"due-{world.due.pk}"
    ]
