"""The inbox tells a patient apart from a namesake in the caseload, not only from one on
the same page (decision 0128): the demo's therapist has two Olle Nilssons, and the inbox
said "Olle Nilsson" of one of them with nothing to say which."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from tessera.core.models import Episode, Patient
from tessera.messaging import actions as messaging
from tests.conftest import make_patient, sign_in
from tests.inbox.inbox_world import overdue

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_annas(world):
    therapist = world["therapist"]
    first, first_episode = make_patient(
        world.clinic, "anna.one@alpha.test", therapist=therapist, first="Anna", last="Svensson"
    )
    second, second_episode = make_patient(
        world.clinic, "anna.two@alpha.test", therapist=therapist, first="Anna", last="Svensson"
    )
    born = dt.date(1985, 3, 12)
    Patient.objects.filter(pk=second.pk).update(date_of_birth=born)
    Episode.objects.filter(pk=second_episode.pk).update(patient_date_of_birth=born)
    # Neither is new to the therapist; only the first has written, so only she has a
    # row in the inbox.
    Episode.objects.filter(pk__in=[first_episode.pk, second_episode.pk]).update(
        new_to_therapist=False
    )
    messaging.do_send_message(
        first_episode, acting_user=first.user, body="A question.", submission_key=uuid.uuid4()
    )
    return first_episode, second_episode


@pytest.mark.parametrize("query", ["", "?group=patient", "?kind=reply"])
def test_the_one_shown_says_which_namesake_she_is(world, two_annas, client, query):
    first_episode, second_episode = two_annas
    sign_in(client, world["therapist"])
    response = client.get("/inbox/" + query)
    rows = response.context["page"].object_list
    assert {row.episode.pk for row in rows} >= {first_episode.pk}
    assert second_episode.pk not in {row.episode.pk for row in rows}
    page = response.content.decode()
    assert "Svensson" in page and "(born 1990-01-02)" in page
    assert "1985-03-12" not in page


def test_the_staff_homes_lists_say_which_namesake_too(world, two_annas, client):
    """The home's overdue list and a page of its caseload table: told apart from every
    patient of the therapist's, not the list's own rows alone."""
    first_episode, _second_episode = two_annas
    overdue(first_episode, sequence=99)
    sign_in(client, world["therapist"])
    page = client.get(reverse("home")).content.decode()
    listed = page.split('id="overdue-heading"')[1].split("</section>")[0]
    assert "Svensson" in listed and "(born 1990-01-02)" in listed
    assert "1985-03-12" not in listed
    # Caseload pages of 25 that show one of the two each.
    for n in range(24):
        make_patient(world.clinic, f"filler{n}@alpha.test", therapist=world["therapist"])
    alone = 0
    for number in (1, 2):
        table = client.get(reverse("home") + f"?page={number}").content.decode()
        table = table.split('id="caseload-heading"')[1].split("</section>")[0]
        if table.count("Svensson") == 1:
            alone += 1
            assert "(born 1990-01-02)" in table or "(born 1985-03-12)" in table
    assert alone == 2
