"""A patient fills in a questionnaire: kept drafts, clear errors, one submission only."""

import uuid

import pytest
from django.urls import reverse

from tessera.core.models import AuditEvent
from tessera.treatment import actions, signals
from tessera.treatment.models import DueMeasure, Response, ResponseDraft

ALL_ONES = {**{f"item{n}": "1" for n in range(1, 9)}, "item9": "0"}  # PHQ-9 total 8, no risk


def fill_url(world):
    return reverse("questionnaire_fill", args=[world.due.pk])


def test_the_form_has_a_fieldset_and_legend_per_item(world, login):
    text = login(world["patient"]).get(fill_url(world)).content.decode()
    assert text.count("<fieldset") == 10  # nine scored items and the difficulty item
    assert "Little interest or pleasure in doing things" in text
    assert 'type="radio" name="item9"' in text


def test_missing_answers_are_explained_next_to_the_item_and_nothing_is_lost(world, login):
    client = login(world["patient"])
    partial = {k: v for k, v in ALL_ONES.items() if k != "item4"}
    response = client.post(fill_url(world), {**partial, "review": "1"})
    text = response.content.decode()
    assert response.status_code == 200
    assert 'id="item4-error"' in text
    assert "Please answer this question." in text
    assert 'name="item3" id="item3-1" value="1" checked' in text
    assert ResponseDraft.objects.get(due=world.due).answers["3"] == 1


def test_leaving_and_coming_back_keeps_the_answers(world, login):
    client = login(world["patient"])
    response = client.post(fill_url(world), {"item1": "2", "item2": "3", "save": "1"})
    assert response.status_code == 302
    text = client.get(fill_url(world)).content.decode()
    assert 'name="item2" id="item2-3" value="3" checked' in text


def test_autosave_keeps_each_answer_as_it_is_given(world, login):
    client = login(world["patient"])
    url = reverse("questionnaire_autosave", args=[world.due.pk])
    client.post(url, {"item1": "2"}, HTTP_HX_REQUEST="true")
    client.post(url, {"item5": "0"}, HTTP_HX_REQUEST="true")
    assert ResponseDraft.objects.get(due=world.due).answers == {"1": 2, "5": 0}


def test_an_impossible_value_gets_a_message_not_an_error(world, login):
    response = login(world["patient"]).post(fill_url(world), {**ALL_ONES, "item2": "7"})
    assert response.status_code == 400  # refused, shown again; nothing half-saved
    assert "not one of the choices" in response.content.decode()
    assert not ResponseDraft.objects.filter(due=world.due).exists()


def test_saving_for_later_with_an_impossible_value_is_not_told_saved(world, login):
    client = login(world["patient"])
    client.post(fill_url(world), {"item1": "2", "save": "1"})
    response = client.post(fill_url(world), {"item1": "3", "item2": "7", "save": "1"})
    assert response.status_code == 400
    assert "not one of the choices" in response.content.decode()
    assert ResponseDraft.objects.get(due=world.due).answers == {"1": 2}


def test_autosave_refuses_an_impossible_value_and_says_so(world, login):
    client = login(world["patient"])
    url = reverse("questionnaire_autosave", args=[world.due.pk])
    client.post(url, {"item1": "2"}, HTTP_HX_REQUEST="true")
    response = client.post(url, {"item1": "3", "item5": "x"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and b"Not saved" in response.content
    assert ResponseDraft.objects.get(due=world.due).answers == {"1": 2}


def _review_and_submit(client, world, answers=ALL_ONES):
    client.post(fill_url(world), {**answers, "review": "1"})
    review = reverse("questionnaire_review", args=[world.due.pk])
    key = ResponseDraft.objects.get(due=world.due).submission_key
    return client.post(review, {"submission_key": str(key)}), key


def test_a_submission_is_scored_on_its_version_and_audited(world, login):
    client = login(world["patient"])
    response, _key = _review_and_submit(client, world)
    assert response["Location"] == reverse("questionnaire_done", args=[world.due.pk])
    stored = Response.objects.get(due=world.due)
    assert (stored.total, stored.band, stored.instrument_version) == (8, "mild", "1.0.0")
    assert not stored.risk_flagged
    assert DueMeasure.objects.get(pk=world.due.pk).completed_at is not None
    assert not ResponseDraft.objects.filter(due=world.due).exists()
    event = AuditEvent.objects.filter(action="response.submitted").latest("id")
    assert (event.patient, event.purpose) == (world.patient, "self")


def test_a_double_click_or_resend_counts_once(world, login):
    client = login(world["patient"])
    _response, key = _review_and_submit(client, world)
    review = reverse("questionnaire_review", args=[world.due.pk])
    again = client.post(review, {"submission_key": str(key)})
    assert again.status_code == 302
    other_tab = client.post(review, {"submission_key": str(uuid.uuid4())})
    assert other_tab.status_code == 302
    assert Response.objects.filter(due=world.due).count() == 1
    # and the back button to the form leads to the result, not a new form
    assert client.get(fill_url(world))["Location"].endswith("/done/")


def test_the_action_refuses_a_second_submission_directly(world):
    key = uuid.uuid4()
    answers = dict.fromkeys(range(1, 10), 0)
    user = world.patient.user
    actions.do_submit_response(
        world.due, answers, acting_user=user, submission_key=key, language="en"
    )
    with pytest.raises(actions.AlreadySubmitted):
        actions.do_submit_response(
            world.due, answers, acting_user=user, submission_key=key, language="en"
        )
    with pytest.raises(actions.AlreadySubmitted):
        actions.do_submit_response(
            world.due, answers, acting_user=user, submission_key=uuid.uuid4(), language="en"
        )


def test_a_risk_answer_shows_crisis_contacts_at_once_and_raises_the_hook(
    world, login, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, response, flags, **kwargs):
        received.append((response.pk, [f.code for f in flags]))

    signals.risk_answer_given.connect(receiver)
    try:
        client = login(world["patient"])
        with django_capture_on_commit_callbacks(execute=True):
            _review_and_submit(client, world, {**ALL_ONES, "item9": "1"})
        page = client.get(reverse("questionnaire_done", args=[world.due.pk]))
    finally:
        signals.risk_answer_given.disconnect(receiver)
    text = page.content.decode()
    assert "If you are thinking about harming yourself" in text
    assert 'href="tel:112"' in text
    stored = Response.objects.get(due=world.due)
    assert stored.risk_flagged
    assert received and received[0][0] == stored.pk


def test_without_a_risk_answer_no_crisis_block_is_shown(world, login):
    client = login(world["patient"])
    _review_and_submit(client, world)
    page = client.get(reverse("questionnaire_done", args=[world.due.pk]))
    assert "If you are thinking about harming yourself" not in page.content.decode()


def test_the_form_and_the_submit_use_a_constant_number_of_queries(
    world, login, django_assert_max_num_queries
):
    client = login(world["patient"])
    with django_assert_max_num_queries(12):
        client.get(fill_url(world))
    client.post(fill_url(world), {**ALL_ONES, "review": "1"})
    key = ResponseDraft.objects.get(due=world.due).submission_key
    with django_assert_max_num_queries(30):
        client.post(
            reverse("questionnaire_review", args=[world.due.pk]), {"submission_key": str(key)}
        )


def test_the_therapist_sees_the_result_and_the_graph(world, login):
    client = login(world["patient"])
    _review_and_submit(client, world)
    page = login(world["therapist"]).get(reverse("patient_measures", args=[world.patient.pk]))
    text = page.content.decode()
    assert "<svg" in text
    assert "PHQ-9" in text and "GAD-7" in text
    assert AuditEvent.objects.filter(action="measures.viewed", patient=world.patient).exists()


def test_the_patient_sees_their_graph_with_a_table(world, login):
    page = login(world["patient"]).get(reverse("my_progress"))
    text = page.content.decode()
    assert "<svg" in text and "<table" in text
    assert "<td>7</td>" in text  # the GAD-7 answered with seven 1s


def test_a_questionnaire_that_is_not_open_cannot_be_filled_in(world, login):
    from django.utils import timezone

    DueMeasure.objects.filter(pk=world.due.pk).update(expires_at=timezone.now())
    response = login(world["patient"]).get(fill_url(world))
    assert response["Location"] == reverse("my_questionnaires")


CRISIS = "If you are thinking about harming yourself"


def test_a_risk_answer_saved_for_later_shows_crisis_contacts_at_once(world, login):
    client = login(world["patient"])
    response = client.post(fill_url(world), {"item1": "2", "item9": "2", "save": "1"}, follow=True)
    text = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("my_questionnaires")
    assert CRISIS in text and 'href="tel:112"' in text
    assert "Your answers are saved" in text
    # coming back to the form: the box is there above the kept answers
    assert CRISIS in client.get(fill_url(world)).content.decode()
    assert not Response.objects.filter(due=world.due).exists()


def test_a_draft_without_a_risk_answer_shows_no_crisis_box(world, login):
    client = login(world["patient"])
    response = client.post(fill_url(world), {"item1": "2", "item9": "0", "save": "1"}, follow=True)
    assert CRISIS not in response.content.decode()
    assert CRISIS not in client.get(fill_url(world)).content.decode()


def test_autosave_swaps_the_crisis_box_in_and_out(world, login):
    client = login(world["patient"])
    url = reverse("questionnaire_autosave", args=[world.due.pk])
    text = client.post(url, {"item9": "1"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="crisis-live" hx-swap-oob="true"' in text and CRISIS in text
    text = client.post(url, {"item9": "0"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="crisis-live" hx-swap-oob="true"' in text and CRISIS not in text


def test_autosave_leaves_the_crisis_box_alone_while_it_stays(world, login):
    """The box is an alert (role="alert"): every new copy of it is read out. Sent again
    with each later answer, a screen reader read the whole box after every click; now
    it comes with the answer that brings it in or takes it away, and with no other."""
    client = login(world["patient"])
    url = reverse("questionnaire_autosave", args=[world.due.pk])
    text = client.post(url, {"item9": "1"}, HTTP_HX_REQUEST="true").content.decode()
    assert text.count('role="alert"') == 1 and CRISIS in text
    for later in ({"item1": "2"}, {"item9": "2"}, {"item3": "0"}):
        text = client.post(url, later, HTTP_HX_REQUEST="true").content.decode()
        assert text.startswith("Saved") and "crisis-live" not in text, later
    text = client.post(url, {"item9": "0"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="crisis-live" hx-swap-oob="true"' in text and CRISIS not in text
    text = client.post(url, {"item2": "1"}, HTTP_HX_REQUEST="true").content.decode()
    assert "crisis-live" not in text
    assert "Saved" in text
