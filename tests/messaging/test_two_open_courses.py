"""A patient with two open courses at once (referred to clinic beta while clinic alpha's
course is still open: ``do_open_episode`` allows it) never misses a message (decision
0154, follow-up). Messages shows the newest open course; before, a message from the
other course's care team was notified and shown on no page."""

import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from tessera.core.models import AuditEvent, Episode
from tessera.messaging import actions
from tessera.treatment.actions import do_open_episode
from tests.conftest import sign_in

ME = reverse("my_messages")
# The Messages page of a patient with other open courses, at most, the same with one or
# two (the open courses and their new messages are the one query that found the shown
# one): 19 on SQLite, 15 on PostgreSQL (measured); as with one open course before.
QUERIES = 19


def _say(episode, user, body):
    actions.do_send_message(episode, acting_user=user, body=body, submission_key=uuid.uuid4())


def _two_open(world):
    """world.episode (clinic alpha) still open; a newer open course at clinic beta."""
    later = do_open_episode(
        world.patient, world.other_clinic, status="active", therapist=world["other_therapist"]
    )
    return world.episode, later


def _other_links(html):
    listed = (
        html.split('id="other-courses"')[1].split("</ul>")[0] if "other-courses" in html else ""
    )
    return re.findall(r'href="/me/messages/earlier/(\d+)/"', listed)


def test_the_other_open_course_s_new_message_is_found_and_read(world):
    first, later = _two_open(world)
    _say(first, world["therapist"], "A word from alpha")
    patient = sign_in(Client(), world.patient.user)
    assert "Messages (1 new)" in patient.get("/").content.decode()
    page = patient.get(ME).content.decode()
    assert "A word from alpha" not in page  # beta's conversation
    assert "You have 1 new message in your other course." in page
    assert _other_links(page) == [str(first.pk)]
    listed = page.split('id="other-courses"')[1].split("</ul>")[0]
    assert "Your other course at Clinic alpha" in listed and "(1 new)" in listed
    response = patient.get(reverse("my_earlier_messages", args=[first.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "A word from alpha" in body and 'id="other-notice"' in body
    read = AuditEvent.objects.filter(action="messages.viewed", object_id=str(first.pk))
    assert read.filter(actor=world.patient.user).exists()
    # Marked read: the home and Messages no longer count it.
    assert "Messages (1 new)" not in patient.get("/").content.decode()
    page = patient.get(ME).content.decode()
    assert 'id="unread-other"' not in page and "(1 new)" not in page
    assert _other_links(page) == [str(first.pk)]  # still listed, to read again
    # Written in here too (decision 0158: tests/messaging/test_write_to_other_course.py);
    # the course Messages shows goes there.
    url = reverse("my_earlier_messages", args=[first.pk])
    response = patient.get(reverse("my_earlier_messages", args=[later.pk]))
    assert response.status_code == 302 and response["Location"] == ME
    # Another patient: "Page not found".
    other = sign_in(Client(), world.other_patient.user)
    assert other.get(url).status_code == 404


def test_one_open_course_lists_no_other(world):
    """Pins what stays (passes on the code before too): one open course, no list."""
    patient = sign_in(Client(), world.patient.user)
    page = patient.get(ME).content.decode()
    assert 'id="other-courses"' not in page and 'id="unread-other"' not in page


@pytest.mark.parametrize("others", [1, 2])
def test_the_messages_page_runs_the_same_queries_with_one_or_two_other_courses(
    world, others, django_assert_max_num_queries
):
    ids = [world.episode.pk]
    if others == 2:
        ids.append(
            do_open_episode(
                world.patient, world.clinic, status="waiting", therapist=world["therapist"]
            ).pk
        )
    later = do_open_episode(
        world.patient, world.other_clinic, status="active", therapist=world["other_therapist"]
    )
    for pk in ids:
        _say(Episode.objects.get(pk=pk), world["therapist"], "New")
    patient = sign_in(Client(), world.patient.user)
    patient.get(ME)
    with django_assert_max_num_queries(QUERIES):
        page = patient.get(ME).content.decode()
    assert sorted(_other_links(page)) == sorted(str(pk) for pk in ids)
    assert f"You have {others} new message" in page
    assert later.pk not in ids
