"""The pages: ask, the two lists, a request with its thread; bad input and query budgets."""

from __future__ import annotations

import uuid

import pytest

from tessera.consultation.models import ConsultationComment, ConsultationRequest
from tests.conftest import make_patient
from tests.consultation.consultation_helpers import ask, comment

pytestmark = pytest.mark.django_db


def _form(world, **overrides):
    data = {
        "to": str(world["colleague"].pk),
        "question": "Would you add the sleep module?",
        "hours": "72",
        "draft": "Dear Pia, ...",
        "submission_key": str(uuid.uuid4()),
    }
    return data | overrides


def test_a_therapist_asks_a_colleague_from_the_episode(world, client, login):
    login(world["therapist"])
    page = client.get(f"/consultations/ask/{world.episode.pk}/")
    assert page.status_code == 200
    assert "The clinic&#x27;s supervisor" in page.content.decode()
    response = client.post(f"/consultations/ask/{world.episode.pk}/", _form(world))
    request = ConsultationRequest.objects.get()
    assert response["Location"] == f"/consultations/{request.pk}/"
    assert request.colleague == world["colleague"] and request.draft == "Dear Pia, ..."


def test_the_same_form_sent_twice_makes_one_request(world, client, login):
    login(world["therapist"])
    data = _form(world)
    client.post(f"/consultations/ask/{world.episode.pk}/", data)
    client.post(f"/consultations/ask/{world.episode.pk}/", data)
    assert ConsultationRequest.objects.count() == 1


def test_the_same_question_sent_again_from_a_fresh_page_makes_one_request(world, client, login):
    """Found at the edges: back to the ask page and the same question sent again (a
    fresh page, a new key) made a second request and told the colleague twice."""
    login(world["therapist"])
    url = f"/consultations/ask/{world.episode.pk}/"
    client.post(url, _form(world))
    again = client.post(url, _form(world), follow=True)
    assert ConsultationRequest.objects.count() == 1
    assert "This question was already sent. Nothing was sent twice." in again.content.decode()
    client.post(url, _form(world, question="And the worry module?"))
    assert ConsultationRequest.objects.count() == 2


def test_bad_input_gets_a_message_beside_the_field_and_keeps_the_text(world, client, login):
    login(world["therapist"])
    data = _form(world, question="  ", draft="Keep this draft", to=str(world["other_therapist"].pk))
    response = client.post(f"/consultations/ask/{world.episode.pk}/", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_question_error"' in body and 'id="id_to_error"' in body
    assert "Keep this draft" in body
    assert not ConsultationRequest.objects.exists()


def test_the_same_comment_sent_again_from_a_fresh_page_is_added_once(world, client, login):
    """Back to the thread and the same words sent again (a fresh page, a new key) added
    them twice and told the asker twice; a reply in between makes them new."""
    request = ask(world)
    login(world["colleague"])
    url = f"/consultations/{request.pk}/comment/"
    data = {"text": "Yes, add it.", "submission_key": str(uuid.uuid4())}
    client.post(url, data)
    again = client.post(url, data | {"submission_key": str(uuid.uuid4())}, follow=True)
    assert ConsultationComment.objects.filter(text="Yes, add it.").count() == 1
    assert "This comment was already added. Nothing was added twice." in again.content.decode()
    comment(request, world["therapist"], "Thanks")
    client.post(url, data | {"submission_key": str(uuid.uuid4())})
    assert ConsultationComment.objects.filter(text="Yes, add it.").count() == 2


def test_an_empty_comment_gets_a_message_and_no_row(world, client, login):
    request = ask(world)
    login(world["colleague"])
    response = client.post(
        f"/consultations/{request.pk}/comment/", {"text": "", "submission_key": str(uuid.uuid4())}
    )
    assert response.status_code == 400
    assert 'id="id_text_error"' in response.content.decode()
    assert not ConsultationComment.objects.exists()


def test_the_asker_sees_new_comments_in_their_list(world, client, login):
    request = ask(world)
    comment(request, world["colleague"], "First")
    comment(request, world["colleague"], "Second")
    login(world["therapist"])
    page = client.get("/consultations/mine/")
    assert page.context["rows"][0]["request"].new_comments == 2
    client.get(f"/consultations/{request.pk}/")
    page = client.get("/consultations/mine/")
    assert page.context["rows"][0]["request"].new_comments == 0


def test_the_colleague_lists_open_and_ended_requests(world, client, login):
    live = ask(world)
    ended = ask(world, question="And the worry module?")
    client.logout()
    from tessera.consultation.actions import do_end_consultation

    do_end_consultation(ended, acting_user=world["therapist"])
    login(world["colleague"])
    open_rows = client.get("/consultations/").context["rows"]
    ended_rows = client.get("/consultations/?status=ended").context["rows"]
    assert [r["request"] for r in open_rows] == [live]
    assert [r["request"] for r in ended_rows] == [ended]


def _many(world, n):
    for i in range(n):
        patient, episode = make_patient(
            world.clinic, f"p{i}-{uuid.uuid4().hex[:6]}@alpha.test", therapist=world["therapist"]
        )
        request = ask(world, episode=episode)
        comment(request, world["colleague"])


@pytest.mark.parametrize("url", ["/consultations/", "/consultations/mine/"])
def test_the_lists_run_a_constant_number_of_queries(
    world, client, login, django_assert_max_num_queries, url
):
    _many(world, 2)
    user = world["colleague"] if url == "/consultations/" else world["therapist"]
    login(user)
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).status_code == 200
    _many(world, 8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["rows"]) == 10


def test_the_request_page_runs_a_constant_number_of_queries(
    world, client, login, django_assert_max_num_queries
):
    request = ask(world)
    comment(request, world["colleague"])
    login(world["colleague"])
    with django_assert_max_num_queries(30) as few:
        client.get(f"/consultations/{request.pk}/")
    for _ in range(10):
        comment(request, world["therapist"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/consultations/{request.pk}/")


def test_staff_menu_has_consultations_and_supervisors_have_supervision(world, client, login):
    login(world["therapist"])
    labels = [str(label) for _href, label in client.get("/").context["nav"]]
    assert "Consultations" in labels and "Supervision" not in labels
    login(world["supervisor"])
    labels = [str(label) for _href, label in client.get("/").context["nav"]]
    assert "Consultations" in labels and "Supervision" in labels


def test_new_comments_leave_out_ones_own(world, client, login):
    request = ask(world)
    comment(request, world["therapist"], "Mine")
    comment(request, world["colleague"], "Theirs")
    login(world["colleague"])
    rows = client.get("/consultations/").context["rows"]
    assert rows[0]["request"].new_comments == 0  # commenting marks the thread read
    comment(request, world["therapist"], "Mine again")
    rows = client.get("/consultations/").context["rows"]
    assert rows[0]["request"].new_comments == 1
    login(world["therapist"])
    rows = client.get("/consultations/mine/").context["rows"]
    assert rows[0]["request"].new_comments == 0
