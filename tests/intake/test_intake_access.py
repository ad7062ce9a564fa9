"""Who sees applications: applicants their own, intake staff of the clinic, nobody else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tessera.core.models import AuditEvent
from tessera.intake.models import Application
from tests.intake.intake_helpers import consent_for, make_application


@pytest.fixture
def two(world, consent):
    mine = make_application(world.clinic, "mine@apply.test", first="Mine")
    theirs = make_application(world.clinic, "theirs@apply.test", first="Theirs", last="Other")
    return mine, theirs


def test_an_applicant_sees_only_their_own(world, two, login):
    mine, theirs = two
    assert list(Application.objects.visible_to(mine.applicant)) == [mine]
    client = login(mine.applicant)
    assert client.get(reverse("intake_status", args=[mine.pk])).status_code == 200
    assert client.get(reverse("intake_status", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("intake_consent", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("intake_application", args=[mine.pk])).status_code in (403, 404)


@pytest.mark.parametrize("kind", ["intake", "assessor", "manager"])
def test_intake_staff_of_the_clinic_see_sent_applications(world, two, login, kind):
    assert set(Application.objects.visible_to(world[kind])) == set(two)
    response = login(world[kind]).get(reverse("intake_application", args=[two[0].pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action="application.viewed").latest("id")
    assert event.actor == world[kind] and event.object_id == str(two[0].pk)
    assert event.purpose == "intake"


@pytest.mark.parametrize(
    "kind",
    [
        "therapist",
        "supervisor",
        "author",
        "researcher",
        "region_admin",
        "other_manager",
        "other_therapist",
        "staff_no_mfa",
        "patient",
    ],
)
def test_others_see_nothing(world, two, login, kind):
    assert not Application.objects.visible_to(world[kind]).exists()
    response = login(world[kind]).get(reverse("intake_application", args=[two[0].pk]))
    assert response.status_code in (302, 403, 404)


def test_staff_do_not_see_drafts(world, consent):
    draft = make_application(world.clinic, "draft@apply.test", submit=False)
    assert not Application.objects.visible_to(world["intake"]).filter(pk=draft.pk).exists()
    assert Application.objects.visible_to(draft.applicant).filter(pk=draft.pk).exists()


def test_staff_of_another_clinic_cannot_act(world, two, login):
    consent_for(world.other_clinic)
    response = login(world["other_manager"]).post(
        reverse("intake_application_action", args=[two[0].pk, "decline"]),
        {"decline-reason": "no"},
    )
    assert response.status_code == 404
    two[0].refresh_from_db()
    assert two[0].status == "submitted"


def test_an_anonymous_visitor_is_sent_to_sign_in(world, two, client):
    response = client.get(reverse("intake_status", args=[two[0].pk]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
