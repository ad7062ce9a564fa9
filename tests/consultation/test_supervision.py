"""A supervisor's case list and supervision notes."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied

from tessera.consultation import actions
from tessera.consultation.models import SupervisedCase, SupervisionNote
from tests.conftest import make_patient

pytestmark = pytest.mark.django_db


def _note(world, episode=None, text="Keep the plan"):
    return actions.do_add_supervision_note(
        episode or world.episode,
        acting_user=world["supervisor"],
        text=text,
        submission_key=uuid.uuid4(),
    )


def test_a_supervisor_follows_and_unfollows_a_case(world, client, login):
    login(world["supervisor"])
    client.post(f"/supervision/cases/{world.episode.pk}/follow/")
    client.post(f"/supervision/cases/{world.episode.pk}/follow/")
    assert SupervisedCase.objects.filter(supervisor=world["supervisor"]).count() == 1
    page = client.get("/supervision/").content.decode()
    assert "Pia Larsson" in page
    client.post(f"/supervision/cases/{world.episode.pk}/unfollow/")
    assert not SupervisedCase.objects.exists()


def test_only_supervisors_of_the_clinic_follow_or_write_notes(world):
    for kind in ["therapist", "manager", "colleague", "other_manager"]:
        with pytest.raises(PermissionDenied):
            actions.do_follow_case(world.episode, acting_user=world[kind])
        with pytest.raises(PermissionDenied):
            actions.do_add_supervision_note(
                world.episode, acting_user=world[kind], text="x", submission_key=uuid.uuid4()
            )


def test_notes_are_read_by_supervisors_and_the_responsible_therapist(world, client, login):
    note = _note(world, text="A note for the therapist")
    for kind in ["supervisor", "therapist"]:
        assert SupervisionNote.objects.visible_to(world[kind]).filter(pk=note.pk).exists(), kind
        login(world[kind])
        page = client.get(f"/supervision/cases/{world.episode.pk}/")
        assert "A note for the therapist" in page.content.decode()
    for kind in ["colleague", "manager", "intake", "other_therapist", "patient"]:
        assert not SupervisionNote.objects.visible_to(world[kind]).filter(pk=note.pk), kind
        login(world[kind])
        assert client.get(f"/supervision/cases/{world.episode.pk}/").status_code in (403, 404)


def test_the_therapist_reads_but_does_not_write(world, client, login):
    login(world["therapist"])
    page = client.get(f"/supervision/cases/{world.episode.pk}/")
    assert "Save note" not in page.content.decode()
    response = client.post(
        f"/supervision/cases/{world.episode.pk}/",
        {"text": "x", "submission_key": str(uuid.uuid4())},
    )
    assert response.status_code == 403
    assert not SupervisionNote.objects.exists()


def test_an_empty_note_gets_a_message(world, client, login):
    login(world["supervisor"])
    response = client.post(
        f"/supervision/cases/{world.episode.pk}/",
        {"text": " ", "submission_key": str(uuid.uuid4())},
    )
    assert response.status_code == 400
    assert 'id="id_text_error"' in response.content.decode()


def test_the_case_list_shows_the_therapist_and_the_last_note(world, client, login):
    actions.do_follow_case(world.episode, acting_user=world["supervisor"])
    _note(world, text="Older note")
    _note(world, text="Newest note")
    login(world["supervisor"])
    page = client.get("/supervision/").content.decode()
    assert "Newest note" in page and "Older note" not in page
    assert "Stafftherapist" in page


def _follow_many(world, n):
    for i in range(n):
        _patient, episode = make_patient(
            world.clinic, f"s{i}-{uuid.uuid4().hex[:6]}@alpha.test", therapist=world["colleague"]
        )
        actions.do_follow_case(episode, acting_user=world["supervisor"])
        _note(world, episode=episode)


def test_the_case_list_runs_a_constant_number_of_queries(
    world, client, login, django_assert_max_num_queries
):
    _follow_many(world, 2)
    login(world["supervisor"])
    with django_assert_max_num_queries(20) as few:
        assert client.get("/supervision/").status_code == 200
    _follow_many(world, 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/supervision/")
    assert len(response.context["page"].object_list) == 12


def test_the_case_page_runs_a_constant_number_of_queries(
    world, client, login, django_assert_max_num_queries
):
    _note(world)
    login(world["supervisor"])
    with django_assert_max_num_queries(30) as few:
        client.get(f"/supervision/cases/{world.episode.pk}/")
    for _ in range(8):
        _note(world)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/supervision/cases/{world.episode.pk}/")
