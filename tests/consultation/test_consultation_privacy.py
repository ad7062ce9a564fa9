"""Comments are private between the asker and the colleague asked."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from tessera.consultation import actions, sections
from tessera.consultation.models import ConsultationRequest
from tests.consultation.consultation_helpers import ask, comment

pytestmark = pytest.mark.django_db

OUTSIDERS = ["supervisor", "manager", "intake", "assessor", "other_therapist", "patient"]


def test_only_the_two_sides_read_the_thread(world, client, login):
    request = ask(world)
    comment(request, world["colleague"], "Only for your eyes")
    for kind in ["therapist", "colleague"]:
        login(world[kind])
        page = client.get(f"/consultations/{request.pk}/")
        assert page.status_code == 200
        assert "Only for your eyes" in page.content.decode()
    for kind in OUTSIDERS:
        login(world[kind])
        assert client.get(f"/consultations/{request.pk}/").status_code in (403, 404), kind


def test_outsiders_cannot_comment(world):
    request = ask(world)
    for kind in ["supervisor", "manager", "other_therapist"]:
        with pytest.raises(PermissionDenied):
            comment(request, world[kind])


def test_the_thread_closes_when_the_request_ends(world):
    request = ask(world)
    actions.do_end_consultation(request, acting_user=world["therapist"])
    with pytest.raises(ValidationError):
        comment(request, world["colleague"])


def test_a_request_to_the_supervisor_is_read_by_the_clinics_supervisors_only(world):
    request = ask(world, to_supervisors=True)
    comment(request, world["supervisor"], "Supervisor's view")
    assert ConsultationRequest.objects.visible_to(world["supervisor"]).filter(pk=request.pk)
    for kind in ["colleague", "manager", "intake", "other_manager"]:
        assert not ConsultationRequest.objects.visible_to(world[kind]).filter(pk=request.pk)


def test_the_overview_section_shows_only_what_the_viewer_takes_part_in(world):
    request = ask(world)
    factory = RequestFactory()
    for kind, expected in [("therapist", [request]), ("colleague", [request]), ("manager", [])]:
        http = factory.get("/")
        http.user = world[kind]
        assert sections.load(http, world.episode)["consultations"] == expected, kind


def test_after_the_grant_the_colleague_keeps_the_thread_but_not_the_patient(world, client, login):
    request = ask(world)
    actions.do_end_consultation(request, acting_user=world["therapist"])
    login(world["colleague"])
    page = client.get(f"/consultations/{request.pk}/").content.decode()
    assert "Larsson" not in page
    assert f"/patients/{world.patient.pk}/" not in page
    assert "the thread is closed" in page
