"""A patient referred again reads their earlier courses' conversations (decision 0151).

The messages page shows the open course, else the latest; before, an earlier course's
conversation was on no patient page, and its unread messages counted as "new" on the
home page for good, with nothing to open."""

import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from tessera.core.models import AuditEvent
from tessera.messaging import actions
from tessera.messaging.conversation import EARLIER_PAGE_SIZE
from tessera.messaging.models import Message
from tessera.treatment.actions import do_open_episode
from tests.conftest import sign_in
from tests.courses import courses_after, end_course

ME = reverse("my_messages")


def _say(episode, user, body):
    actions.do_send_message(episode, acting_user=user, body=body, submission_key=uuid.uuid4())


def _referred_again(world, clinic=None, therapist=None):
    """world.episode ended with a word from the therapist; a later course opened."""
    _say(world.episode, world["therapist"], "From the first course")
    first = end_course(world.episode, world["therapist"])
    later = do_open_episode(
        world.patient,
        clinic or world.clinic,
        status="active",
        therapist=therapist or world["colleague"],
    )
    return first, later


def _earlier_links(html):
    return re.findall(r'href="/me/messages/earlier/(\d+)/"', html)


def test_the_patient_reads_the_earlier_conversation_read_only(world):
    first, _ = _referred_again(world)
    patient = sign_in(Client(), world.patient.user)
    page = patient.get(ME).content.decode()
    assert "From the first course" not in page  # the later course's conversation
    assert _earlier_links(page) == [str(first.pk)]
    url = reverse("my_earlier_messages", args=[first.pk])
    earlier = patient.get(url)
    body = earlier.content.decode()
    assert earlier.status_code == 200
    assert "From the first course" in body and 'id="earlier-notice"' in body
    assert "<textarea" not in body and earlier.context["form"] is None
    read = AuditEvent.objects.filter(action="messages.viewed", object_id=str(first.pk))
    assert read.filter(actor=world.patient.user).exists()
    # Nothing is sent; what was typed (on a page drawn while the course was open, decision
    # 0158) is shown back to copy.
    refused = patient.post(url, {"body": "Hello?"})
    assert refused.status_code == 409 and "Hello?" in refused.content.decode()
    assert not Message.objects.filter(body="Hello?").exists()


def test_opening_it_clears_its_unread_messages(world):
    _referred_again(world)
    patient = sign_in(Client(), world.patient.user)
    assert "Messages (1 new)" in patient.get("/").content.decode()
    patient.get(ME)
    assert "Messages (1 new)" in patient.get("/").content.decode()  # not on this page
    patient.get(reverse("my_earlier_messages", args=[world.episode.pk]))
    assert "Messages (1 new)" not in patient.get("/").content.decode()


def test_the_course_the_messages_page_shows_goes_there(world):
    patient = sign_in(Client(), world.patient.user)
    response = patient.get(reverse("my_earlier_messages", args=[world.episode.pk]))
    assert response.status_code == 302 and response["Location"] == ME
    end_course(world.episode, world["therapist"])  # ended, but still the latest
    response = patient.get(reverse("my_earlier_messages", args=[world.episode.pk]))
    assert response.status_code == 302 and response["Location"] == ME
    assert _earlier_links(patient.get(ME).content.decode()) == []


def test_another_patient_is_not_found(world):
    first, _ = _referred_again(world)
    other = sign_in(Client(), world.other_patient.user)
    assert other.get(reverse("my_earlier_messages", args=[first.pk])).status_code == 404


def test_a_later_course_at_another_clinic_shows_neither_clinic_the_other(world):
    first, later = _referred_again(
        world, clinic=world.other_clinic, therapist=world["other_therapist"]
    )
    # The patient's own record: both.
    patient = sign_in(Client(), world.patient.user)
    assert _earlier_links(patient.get(ME).content.decode()) == [str(first.pk)]
    assert patient.get(reverse("my_earlier_messages", args=[first.pk])).status_code == 200
    # The other clinic's therapist: their course only.
    beta = sign_in(Client(), world["other_therapist"])
    assert beta.get(reverse("episode_messages", args=[first.pk])).status_code == 404
    record = beta.get(reverse("patient_detail", args=[world.patient.pk])).content.decode()
    assert f"/episodes/{later.pk}/messages/" in record
    assert f"/episodes/{first.pk}/messages/" not in record
    # This clinic's therapist: the earlier course, read only, and not the later one.
    alpha = sign_in(Client(), world["therapist"])
    page = alpha.get(reverse("episode_messages", args=[first.pk]))
    assert page.status_code == 200 and page.context["form"] is None
    assert "From the first course" in page.content.decode()
    assert alpha.get(reverse("episode_messages", args=[later.pk])).status_code == 404
    record = alpha.get(reverse("patient_detail", args=[world.patient.pk])).content.decode()
    assert f"/episodes/{first.pk}/messages/" in record
    assert f"/episodes/{later.pk}/messages/" not in record


@pytest.mark.parametrize("n", [1, EARLIER_PAGE_SIZE + 2])
def test_the_earlier_courses_are_paged_newest_first_in_constant_queries(
    world, n, django_assert_max_num_queries
):
    ended = courses_after(world, n)
    patient = sign_in(Client(), world.patient.user)
    patient.get(ME)
    with django_assert_max_num_queries(22):
        page = patient.get(ME).content.decode()
    newest_first = [str(e.pk) for e in reversed(ended)]
    assert _earlier_links(page) == newest_first[:EARLIER_PAGE_SIZE]
    if n > EARLIER_PAGE_SIZE:
        rest = patient.get(ME, {"earlier": 2}).content.decode()
        assert _earlier_links(rest) == newest_first[EARLIER_PAGE_SIZE:]


def test_a_word_after_the_end_is_found_from_the_messages_page(world):
    """Clinic alpha wrote after the end, the patient now in treatment at clinic beta:
    the home says "new", and Messages (clinic beta's conversation) says where it is
    and marks the course (decision 0154). Before, it said "No messages yet"."""
    first = end_course(world.episode, world["therapist"])
    _say(first, world["therapist"], "A word after the end")  # before the later course
    do_open_episode(
        world.patient, world.other_clinic, status="active", therapist=world["other_therapist"]
    )
    patient = sign_in(Client(), world.patient.user)
    assert "Messages (1 new)" in patient.get("/").content.decode()
    page = patient.get(ME).content.decode()
    assert 'id="unread-earlier"' in page
    assert "You have 1 new message in an earlier course." in page
    listed = page.split('id="earlier-courses"')[1].split("</ul>")[0]
    assert "Clinic alpha" in listed and "(1 new)" in listed
    patient.get(reverse("my_earlier_messages", args=[first.pk]))
    page = patient.get(ME).content.decode()
    assert 'id="unread-earlier"' not in page and "(1 new)" not in page
