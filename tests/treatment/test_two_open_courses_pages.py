"""A patient with two open courses at once (referred to clinic beta while clinic alpha's
course is still open) finds alpha's modules, worksheets, sessions and scores (decision
0158). Before, My modules, My progress and My sessions showed beta's course only (the
newest open one), while the home showed alpha's, whose "Continue your module" link was
"Page not found"."""

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tessera.appointments import actions as appointments
from tessera.core.models import AuditEvent
from tessera.treatment.actions import do_open_episode
from tessera.treatment.models import WorksheetAnswer
from tests.conftest import sign_in


def _two_open(world):
    """world.episode (clinic alpha, with the plan) still open; a newer open course at
    clinic beta, the one the patient's pages show."""
    return do_open_episode(
        world.patient, world.other_clinic, status="active", therapist=world["other_therapist"]
    )


def _book(episode, therapist, place):
    return appointments.do_book_appointment(
        episode,
        acting_user=therapist,
        therapist=therapist,
        kind="face_to_face",
        place=place,
        starts_at=timezone.now() + dt.timedelta(days=2),
    )


def test_my_modules_lists_the_other_course_s_modules_and_they_open(world, plan):
    _two_open(world)
    patient = sign_in(Client(), world.patient.user)
    page = patient.get(reverse("my_plan")).content.decode()
    assert "Your course at Clinic beta" in page
    other = page.split(f'id="other-course-{world.episode.pk}"')[1]
    assert "Your other course at Clinic alpha" in other and "Activity and mood" in other
    reader = reverse("module_reader", args=[plan.entry.pk])
    assert reader in other
    response = patient.get(reader)
    assert response.status_code == 200 and "Activity and mood" in response.content.decode()
    assert AuditEvent.objects.filter(action="module.viewed", patient=world.patient).exists()
    # Its worksheet is sent to alpha's course.
    patient.post(
        reverse("worksheet_save", args=[plan.entry.pk, 2]), {"situation": "done", "send": "1"}
    )
    answer = WorksheetAnswer.objects.get(entry=plan.entry)
    assert answer.submitted_at is not None and answer.entry.episode_id == world.episode.pk
    # Another patient: still "Page not found".
    other_patient = sign_in(Client(), world.other_patient.user)
    assert other_patient.get(reader).status_code == 404


def test_the_home_shows_the_course_the_other_pages_show(world, plan):
    """Before, the home followed the first-made open course (alpha: "Continue your
    module" led to a module the reader did not find) and Messages, My modules and My
    sessions the newest (beta)."""
    later = _two_open(world)
    patient = sign_in(Client(), world.patient.user)
    home = patient.get("/")
    assert home.context["episode"] == later
    assert reverse("module_reader", args=[plan.entry.pk]) not in home.content.decode()


def test_one_open_course_names_no_clinic_on_my_modules(world, plan):
    """Pins what stays (passes on the code before too)."""
    page = sign_in(Client(), world.patient.user).get(reverse("my_plan")).content.decode()
    assert "Your course at" not in page and "other-course-" not in page


def test_my_sessions_lists_both_courses_sessions_named_by_clinic(world):
    later = _two_open(world)
    alpha = _book(world.episode, world["therapist"], "Room alpha")
    beta = _book(later, world["other_therapist"], "Room beta")
    patient = sign_in(Client(), world.patient.user)
    page = patient.get(reverse("my_sessions")).content.decode()
    for session, clinic in [(alpha, "Clinic alpha"), (beta, "Clinic beta")]:
        card = page.split(f'id="session-{session.pk}"')[1].split("</li>")[0]
        assert f'<p class="session-clinic">{clinic}</p>' in card
    # Alpha's session is moved from here, as beta's.
    response = patient.post(
        reverse("my_session_change", args=[alpha.pk]), {"kind": "cancel", "note": "Ill"}
    )
    assert response.status_code == 302 and alpha.change_requests.count() == 1


def test_one_clinic_s_sessions_name_no_clinic(world):
    """Pins what stays (passes on the code before too)."""
    _book(world.episode, world["therapist"], "Room alpha")
    page = sign_in(Client(), world.patient.user).get(reverse("my_sessions")).content.decode()
    assert "Room alpha" in page and "session-clinic" not in page


def test_my_progress_leads_to_the_other_course_s_progress(world):
    _two_open(world)  # world.episode has a GAD-7 sent (tests/conftest.py)
    patient = sign_in(Client(), world.patient.user)
    page = patient.get(reverse("my_progress")).content.decode()
    assert "These are the scores of your course at Clinic beta" in page
    url = reverse("my_earlier_progress", args=[world.episode.pk])
    listed = page.split('id="other-courses"')[1].split("</ul>")[0]
    assert url in listed and "Your other course at Clinic alpha" in listed
    response = patient.get(url)
    body = response.content.decode()
    assert response.status_code == 200 and 'id="other-notice"' in body
    assert "Progress in your other course" in body and "GAD-7" in body
    assert AuditEvent.objects.filter(
        action="measures.viewed", object_id=str(world.episode.pk), actor=world.patient.user
    ).exists()
    # Staff of either clinic: not theirs to open here.
    for kind in ["therapist", "other_therapist"]:
        assert sign_in(Client(), world[kind]).get(url).status_code == 403
