"""The demo's named patients in treatment came in through intake (decision 0133): each
course has the application that led to it (a self-referral or a GP's referral), its
screening, an assessment with working diagnoses and the decision to admit, all before
the course's first day; the intake queues' open counts stay as they were."""

import datetime as dt

from django.urls import reverse

from tessera.core.models import Episode, User
from tessera.intake import diagnoses as icd10
from tessera.intake.models import Application
from tessera.portal import demo
from tests.conftest import sign_in

TREATED = [row[0] for row in demo.PATIENTS if row[5] is not None and row[6] != "intake"]


def _application(local: str) -> Application:
    # The course intake admitted: the first (Ebba's second, at Fjordside, was opened on
    # a referral between clinics while the first is still open, decision 0158).
    episode = (
        Episode.objects.filter(patient__email=f"{local}@demo.tessera.test")
        .order_by("created_at", "id")
        .first()
    )
    return Application.objects.select_related("assessment", "patient").get(episode=episode)


def test_every_named_patient_in_treatment_has_an_intake_path(seeded_demo):
    assert {"patient", "patient9"} <= set(TREATED) and len(TREATED) == 9
    routes = set()
    for local in TREATED:
        application = _application(local)
        episode = application.episode
        routes.add(application.source)
        assert application.status == "accepted", local
        assert application.patient.user.email == f"{local}@demo.tessera.test"
        answers = application.screening_answers.all()
        assert {a.instrument for a in answers} >= {"PHQ-9", "GAD-7"}, local
        assert not any(a.risk_flagged for a in answers)
        assessment = application.assessment
        assert assessment.decision == "wait" and assessment.notes
        assert assessment.diagnoses and set(assessment.diagnoses) <= set(icd10.codes())
        assert assessment.programme_version.programme.key == demo.PLANS[local]
        assert assessment.assessed_at == application.decided_at
        # In order, and before the course's first day.
        started = dt.datetime.combine(episode.started_on, dt.time(0), tzinfo=dt.UTC)
        assert application.submitted_at < application.triaged_at < application.assessed_at
        assert application.assessed_at < started <= application.started_at
        assert all(a.submitted_at < application.assessed_at for a in answers)
        assert application.triage_actions.filter(kind="assess").exists()
    assert routes == {"self", "professional"}
    # The GP's referral carries the GP's details, for the letters to them.
    vera = _application("patient9")
    assert vera.source == "professional" and vera.patient.gp_name == vera.referral.referrer_name


def test_the_patient_sees_how_they_came_in(seeded_demo, client):
    """Pia's path on her home starts with her application, screening and assessment."""
    sign_in(client, User.objects.get(email="patient@demo.tessera.test"))
    home = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    steps = [(step.code, step.state) for step in home.context["timeline"]]
    assert steps[:4] == [
        ("received", "done"),
        ("screening", "done"),
        ("assessment", "done"),
        ("decision", "done"),
    ]


def test_the_intake_coordinator_reads_the_admitted_application(seeded_demo, client):
    """Fjordside's therapist, also its intake coordinator, opens Greta's referral: the
    screening and the working diagnosis are there."""
    application = _application("patient5")
    sign_in(client, User.objects.get(email="fjord.therapist@demo.tessera.test"))
    page = client.get(
        reverse("intake_application", args=[application.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "F32.1" in text and "PHQ-9" in text


def test_the_first_demo_patient_has_a_safety_plan(seeded_demo, client):
    """Four weeks into her course, Pia's safety plan (linked at the top of her every page)
    said "Your safety plan is still empty": written with her therapist now."""
    sign_in(client, User.objects.get(email="patient@demo.tessera.test"))
    page = client.get(reverse("my_safety_plan"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "still empty" not in page
    assert demo.SAFETY_PLANS["patient"]["people"] in page
