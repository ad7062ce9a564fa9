"""A patient whose therapist has left reads no page that promises that therapist: the
plan page, the safety plan and the treatment summary say the clinic is finding a new one
(decision 0096, the rest of the class fixed for the messages page)."""

from __future__ import annotations

from django.urls import reverse

from tessera.core.models import ClinicRole, Episode
from tessera.core.roles import Role


def _gone(world):
    ClinicRole.objects.filter(
        user=world["therapist"], clinic=world.clinic, role=Role.THERAPIST
    ).delete()


def test_the_plan_page_does_not_wait_for_the_therapist_who_left(world, login):
    client = login(world.patient.user)
    assert "Your therapist has not set up" in client.get(reverse("my_plan")).content.decode()
    _gone(world)
    page = client.get(reverse("my_plan")).content.decode()
    assert "Your therapist has not set up" not in page
    assert "the clinic is finding you a new one" in page


def test_the_safety_plan_does_not_promise_the_therapist_who_left(world, login):
    client = login(world.patient.user)
    promise = "Your therapist will go through it with you"
    assert promise in client.get(reverse("my_safety_plan")).content.decode()
    _gone(world)
    page = client.get(reverse("my_safety_plan")).content.decode()
    assert promise not in page and "You can start it yourself" in page


def test_the_summary_names_the_therapist_who_left_as_former(world):
    from tessera.fhir.record.load import load_records
    from tessera.fhir.record.summary import summary_html

    name = world["therapist"].get_full_name() or world["therapist"].email

    def html():
        (record,) = load_records(Episode.objects.filter(pk=world.episode.pk))
        return summary_html(record, "en")

    assert f"Your therapist: {name}." in html()
    _gone(world)
    text = html()
    assert f"Your therapist: {name}" not in text
    assert f"Your therapist was {name}, who no longer works at" in text
    assert "the clinic is finding you a new therapist" in text


def test_the_summary_lists_a_session_whose_therapist_left_as_to_be_booked_again(world):
    from tessera.fhir.record.load import load_records
    from tessera.fhir.record.summary import summary_html
    from tests.appointments.test_appointments import book

    book(world, hours=48)
    book(world, hours=-48)

    def statuses():
        (record,) = load_records(Episode.objects.filter(pk=world.episode.pk))
        text = summary_html(record, "en")
        rows = text.split("<tbody>")[-1].split("</tbody>")[0]
        return text, [row.rsplit("<td>", 1)[1].split("</td>")[0] for row in rows.split("<tr>")[1:]]

    text, before = statuses()
    assert sorted(before) == ["booked", "booked"]
    assert "will not take place" not in text
    _gone(world)
    text, after = statuses()
    # The past session stays what it was; the coming one is to be booked again, as on
    # the patient's home and My sessions.
    assert sorted(after) == ["booked", "to be booked again"]
    assert "will not take place" in text and "Do not come to it" in text
