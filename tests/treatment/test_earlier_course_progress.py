"""A patient whose course ended reads its scores, completed modules and sent worksheets
on a page of its own, read only, once a later course began (decision 0154); and a
patient with courses at two clinics is told which clinic each thing is from.

Before: My progress drew every course's scores in one chart, in the open course's time
zone, with no word of which clinic asked them, and no patient page showed an earlier
course's modules or worksheets."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from tessera.core.models import AuditEvent, Episode
from tessera.treatment.actions import do_open_episode
from tessera.treatment.actions import plans as plan_actions
from tessera.treatment.views.progress import EARLIER_PER_PAGE
from tests.conftest import sign_in
from tests.courses import courses_after, end_course

ME = reverse("my_progress")


def _earlier_links(html):
    return re.findall(r'href="/me/progress/earlier/(\d+)/"', html)


def _with_a_sent_worksheet(world, plan):
    step = plan.activity.steps.get(position=2)
    plan_actions.do_submit_worksheet(
        plan.entry, step, {"situation": "Took the bus"}, acting_user=world.patient.user
    )
    plan_actions.do_complete_module(plan.entry, acting_user=world.patient.user)


def _elsewhere(world):
    """world.episode (its GAD-7 answered) ended; a later course open at the other clinic."""
    first = end_course(world.episode, world["therapist"])
    later = do_open_episode(
        world.patient, world.other_clinic, status="active", therapist=world["other_therapist"]
    )
    return first, later


def test_my_progress_shows_the_open_course_and_lists_the_earlier_one(world):
    first, _ = _elsewhere(world)
    patient = sign_in(Client(), world.patient.user)
    response = patient.get(ME)
    page = response.content.decode()
    assert response.context["series"] == []  # clinic alpha's GAD-7 is not drawn here
    assert "No scores yet." in page
    assert "These are the scores of your course at Clinic beta." in page
    assert _earlier_links(page) == [str(first.pk)]


def test_the_earlier_course_page_is_read_only_and_audited(world, plan):
    _with_a_sent_worksheet(world, plan)
    first, _ = _elsewhere(world)
    patient = sign_in(Client(), world.patient.user)
    url = reverse("my_earlier_progress", args=[first.pk])
    response = patient.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert [s.code for s in response.context["series"]] == ["GAD-7"]
    assert "Clinic alpha" in page and 'id="earlier-notice"' in page
    assert plan.entry.module_version.title in page
    assert "Took the bus" in page
    assert "<form" not in page.split('id="main"')[1].split("</main>")[0]
    read = AuditEvent.objects.filter(action="measures.viewed", object_id=str(first.pk))
    assert read.filter(actor=world.patient.user, purpose="self").exists()
    assert patient.post(url).status_code == 405


def test_after_the_reading_period_the_worksheets_are_in_the_record(world, plan, time_machine):
    _with_a_sent_worksheet(world, plan)
    first, _ = _elsewhere(world)
    days = first.clinic.reading_access_days + 2
    time_machine.move_to(dt.datetime.now(dt.UTC) + dt.timedelta(days=days))
    patient = sign_in(Client(), world.patient.user)
    response = patient.get(reverse("my_earlier_progress", args=[first.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and response.context["worksheets"] is None
    assert "Took the bus" not in page and reverse("my_record") in page
    assert [s.code for s in response.context["series"]] == ["GAD-7"]  # scores for good


def test_the_course_my_progress_shows_goes_there(world):
    patient = sign_in(Client(), world.patient.user)
    url = reverse("my_earlier_progress", args=[world.episode.pk])
    assert patient.get(url)["Location"] == ME
    end_course(world.episode, world["therapist"])  # ended, but still the latest
    assert patient.get(url)["Location"] == ME
    assert _earlier_links(patient.get(ME).content.decode()) == []


def test_another_patient_and_staff_do_not_reach_it(world):
    first, _ = _elsewhere(world)
    url = reverse("my_earlier_progress", args=[first.pk])
    assert sign_in(Client(), world.other_patient.user).get(url).status_code == 404
    for who in ("therapist", "other_therapist"):
        assert sign_in(Client(), world[who]).get(url).status_code == 403


@pytest.mark.parametrize("n", [1, EARLIER_PER_PAGE + 2])
def test_my_progress_pages_the_earlier_courses_in_constant_queries(
    world, n, django_assert_max_num_queries
):
    ended = courses_after(world, n)
    patient = sign_in(Client(), world.patient.user)
    patient.get(ME)
    with django_assert_max_num_queries(11):
        page = patient.get(ME).content.decode()
    newest_first = [str(e.pk) for e in reversed(ended)]
    assert _earlier_links(page) == newest_first[:EARLIER_PER_PAGE]
    # The earlier course's own page: its reads, and the audit row of the read (5).
    with django_assert_max_num_queries(17):
        assert patient.get(reverse("my_earlier_progress", args=[ended[0].pk])).status_code == 200


def test_questionnaires_and_the_home_name_the_clinic_of_each(world):
    _elsewhere(world)
    patient = sign_in(Client(), world.patient.user)
    page = patient.get(reverse("my_questionnaires")).content.decode()
    sent = page.split('id="done-heading"')[1].split("</section>")[0]
    assert "Clinic alpha" in sent
    todo = page.split('id="open-heading"')[1].split("</section>")[0]
    assert "Clinic alpha" in todo  # clinic alpha's PHQ-9, asked before its course began
    home = patient.get("/").content.decode()
    assert '<p class="due-clinic">Clinic alpha</p>' in home


def test_one_clinic_names_none(world):
    patient = sign_in(Client(), world.patient.user)
    assert "Clinic alpha" not in patient.get(reverse("my_questionnaires")).content.decode()
    assert "due-clinic" not in patient.get("/").content.decode()
    assert Episode.objects.filter(patient=world.patient).count() == 1
