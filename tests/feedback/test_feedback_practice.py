"""Practice feedback: training patients, practice replies, and keeping them apart."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from tessera.core.demo import DemoContext
from tessera.core.models import AuditEvent, Episode, Patient
from tessera.feedback import actions, demo
from tessera.feedback.models import FeedbackTemplate, PracticeReply
from tessera.messaging.models import Message
from tessera.treatment.models import WorksheetAnswer


@pytest.fixture
def practice(world):
    episode = actions.do_create_training_patient(
        world["therapist"], world.clinic, acting_user=world["therapist"]
    )
    return episode.practice_worksheets.order_by("position").first()


def test_a_training_patient_has_no_login_an_active_episode_and_worksheets(world, practice):
    episode = practice.episode
    assert episode.patient.is_training and episode.patient.user is None
    assert episode.status == "active" and episode.therapist == world["therapist"]
    titles = [s.title for s in episode.practice_worksheets.order_by("position")]
    assert titles == ["Activity diary", "Thought record"]
    assert not WorksheetAnswer.objects.filter(entry__episode=episode).exists()
    assert AuditEvent.objects.filter(action="practice.patient_created").exists()


def test_swedish_practice_worksheets(world):
    episode = actions.do_create_training_patient(
        world["therapist"], world.clinic, acting_user=world["therapist"], language="sv"
    )
    assert episode.patient.preferred_language == "sv"
    assert episode.practice_worksheets.first().title == "Aktivitetsdagbok"


def test_only_a_therapist_of_the_clinic_gets_a_practice_patient(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        actions.do_create_training_patient(
            world["intake"], world.clinic, acting_user=world["intake"]
        )


def test_training_patients_never_appear_among_real_patients(world, client, login, practice):
    training = practice.episode.patient
    for kind in ("therapist", "supervisor"):
        login(world[kind])
        listed = list(client.get(reverse("patient_list")).context["page"].object_list)
        assert world.patient in listed and training not in listed
    assert list(Patient.objects.visible_to(world["therapist"]).real()) == [world.patient]


def test_the_caseload_on_the_home_page_leaves_the_training_patient_out(
    world, client, login, practice
):
    login(world["therapist"])
    response = client.get(reverse("home"))
    caseload = [e.patient for e in response.context["page"].object_list]
    assert world.patient in caseload and practice.episode.patient not in caseload


def test_starting_practice_on_the_page(world, client, login):
    login(world["therapist"])
    response = client.get(reverse("feedback_practice"))
    assert "Create my practice patient" in response.content.decode()
    response = client.post(reverse("feedback_practice_start"), {"language": "en"})
    assert response.status_code == 302
    response = client.get(reverse("feedback_practice"))
    assert "Activity diary" in response.content.decode()
    assert "Check this draft" in response.content.decode()


def test_saving_a_practice_reply_makes_no_message(world, client, login, practice):
    login(world["therapist"])
    url = reverse("feedback_practice_worksheet", args=[practice.pk])
    key = str(uuid.uuid4())
    data = {
        "body": "Hi Sam, thank you for your diary. No rush with the rest.",
        "submission_key": key,
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # sent twice, saved once
    reply = PracticeReply.objects.get()
    assert reply.author == world["therapist"]
    assert "no_deadline_flexibility" in reply.unmet
    assert not Message.objects.exists()
    page = client.get(url).content.decode()
    assert "thank you for your diary" in page


def test_an_empty_reply_gets_a_message_beside_the_field(world, client, login, practice):
    login(world["therapist"])
    url = reverse("feedback_practice_worksheet", args=[practice.pk])
    response = client.post(url, {"body": "  ", "submission_key": str(uuid.uuid4())})
    assert response.status_code == 200
    assert 'id="id_body_error"' in response.content.decode()
    assert not PracticeReply.objects.exists()


def test_a_colleague_cannot_open_another_therapists_practice(world, client, login, practice):
    login(world["colleague"])
    url = reverse("feedback_practice_worksheet", args=[practice.pk])
    assert client.get(url).status_code == 404


def test_the_practice_check_uses_the_practice_worksheet(world, client, login, practice):
    login(world["therapist"])
    url = reverse("feedback_check", args=[practice.episode.pk]) + f"?practice={practice.pk}"
    response = client.post(
        url,
        {"body": "Your walk by the river with your sister lifted your mood."},
        HTTP_HX_REQUEST="1",
    )
    assert 'data-code="personalises" data-met="yes"' in response.content.decode()


@pytest.mark.parametrize("replies", [1, 15])
def test_the_practice_page_runs_a_constant_number_of_queries(
    world, client, login, practice, replies, django_assert_max_num_queries
):
    for number in range(replies):
        actions.do_save_practice_reply(
            practice,
            acting_user=world["therapist"],
            body=f"Reply {number}",
            submission_key=uuid.uuid4(),
        )
    for number in range(replies):
        actions.do_create_template(
            acting_user=world["therapist"], title=f"T{number}", language="en", body="Hi {name}"
        )
    login(world["therapist"])
    with django_assert_max_num_queries(25):
        response = client.get(reverse("feedback_practice_worksheet", args=[practice.pk]))
    assert response.status_code == 200


def test_navigation_offers_templates_and_practice_to_therapists_only(world, client, login):
    login(world["therapist"])
    labels = [label for _href, label in client.get(reverse("home")).context["nav"]]
    assert "Feedback templates" in labels and "Practice" in labels
    login(world["supervisor"])
    labels = [label for _href, label in client.get(reverse("home")).context["nav"]]
    assert "Feedback templates" in labels and "Practice" not in labels
    login(world["intake"])
    labels = [label for _href, label in client.get(reverse("home")).context["nav"]]
    assert "Feedback templates" not in labels


def test_the_demo_seed_is_idempotent(world):
    therapist, manager = world["therapist"], world["manager"]
    context = DemoContext(
        region=world.region,
        clinics={"riverside": world.clinic},
        staff={"therapist": therapist, "manager": manager},
        patients={},
        logins=[],
    )
    demo.seed(context)
    demo.seed(context)
    assert FeedbackTemplate.objects.filter(clinic=world.clinic).count() == 2
    assert FeedbackTemplate.objects.filter(owner=therapist).count() == 1
    assert Episode.objects.filter(therapist=therapist, patient__is_training=True).count() == 1


def test_without_script_insert_template_keeps_the_draft_and_returns_to_the_practice(
    world, client, login, practice
):
    """ "Insert template" without script sends the reply form to the fill page: the draft
    comes back with the template after it, and one button takes both back to the
    practice page, unsaved (bad input or a failed attempt loses nothing)."""
    template = actions.do_create_template(
        acting_user=world["therapist"], title="Diary thanks", language="en", body="Hi {name},"
    )
    login(world["therapist"])
    page = client.get(reverse("feedback_practice_worksheet", args=[practice.pk])).content.decode()
    fill = reverse("feedback_fill", args=[practice.episode.pk]) + f"?practice={practice.pk}"
    assert f'formaction="{fill}"' in page.replace("&amp;", "&")
    assert 'form="practice-form"' in page  # the template picker goes with the draft
    response = client.post(
        fill, {"body": "My own opening line.", "template": template.pk, "submission_key": "x"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "My own opening line.\n\nHi Sam," in html
    practice_url = reverse("feedback_practice_worksheet", args=[practice.pk])
    assert f'action="{practice_url}"' in html and 'name="resume"' in html

    back = client.post(practice_url, {"resume": "1", "body": "My own opening line.\n\nHi Sam,"})
    assert back.status_code == 200
    assert back.context["form"]["body"].value() == "My own opening line.\n\nHi Sam,"
    assert not back.context["form"].errors
    assert not PracticeReply.objects.exists()


def test_without_script_the_check_page_returns_to_the_practice(world, client, login, practice):
    login(world["therapist"])
    url = reverse("feedback_check", args=[practice.episode.pk]) + f"?practice={practice.pk}"
    html = client.post(url, {"body": "A draft."}).content.decode()
    practice_url = reverse("feedback_practice_worksheet", args=[practice.pk])
    assert f'formaction="{practice_url}"' in html and 'name="resume"' in html


def test_a_fill_post_without_a_template_still_gives_back_the_draft(world, client, login, practice):
    login(world["therapist"])
    fill = reverse("feedback_fill", args=[practice.episode.pk]) + f"?practice={practice.pk}"
    response = client.post(fill, {"body": "Only my draft."})
    assert response.status_code == 200
    assert "Only my draft." in response.content.decode()
