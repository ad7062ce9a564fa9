"""The assessment form on the application page, the waiting list page and the applicant's
status page after a decision."""

from __future__ import annotations

from django.urls import reverse

from tessera.core.models import ClinicRole
from tessera.core.roles import Role
from tessera.intake.actions import decisions as decision_actions
from tessera.intake.models import Application, Status
from tests.intake.assessment_helpers import assess_kwargs, published_version
from tests.intake.intake_helpers import make_application
from tests.intake.test_intake_assessment import _therapist


def _post_data(version, therapist, **overrides):
    data = {
        "assess-notes": "Seen by video.",
        "assess-diagnoses": ["F32.1", "F41.1"],
        "assess-risk_level": "low",
        "assess-decision": "accept",
        "assess-programme_version": version.pk,
        "assess-care_model": "guided",
        "assess-therapist": therapist.pk if therapist else "",
    }
    return data | overrides


def test_the_page_shows_the_form_with_the_suggested_therapist(world, login):
    published_version(world)
    ClinicRole.objects.filter(clinic=world.clinic, role=Role.THERAPIST).update(max_caseload=1)
    roomy = _therapist(world, "roomy@clinic.test", 10, 1)
    application = make_application(world.clinic, "page@apply.test")
    body = (
        login(world["assessor"])
        .get(reverse("intake_application", args=[application.pk]))
        .content.decode()
    )
    assert "Record the assessment and decide" in body
    assert "F41.0 Panic disorder" in body
    assert f'<option value="{roomy.pk}" selected>' in body
    assert "1 of 10 patients" in body and "(full)" in body
    # intake coordinators triage but do not assess
    body = (
        login(world["intake"])
        .get(reverse("intake_application", args=[application.pk]))
        .content.decode()
    )
    assert "Record the assessment and decide" not in body


def test_posting_the_assessment_accepts_and_the_applicant_sees_the_start(world, login):
    version = published_version(world)
    application = make_application(world.clinic, "post@apply.test")
    url = reverse("intake_application_action", args=[application.pk, "assess"])
    response = login(world["assessor"]).post(url, _post_data(version, world["therapist"]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    assert application.assessment.diagnoses == ["F32.1", "F41.1"]
    status = login(application.applicant).get(reverse("intake_status", args=[application.pk]))
    body = status.content.decode()
    assert "Treatment started" in body and reverse("my_plan") in body
    assert login(application.applicant).get(reverse("my_plan")).status_code == 200


def test_bad_input_keeps_what_was_typed(world, login):
    version = published_version(world)
    application = make_application(world.clinic, "keep@apply.test")
    url = reverse("intake_application_action", args=[application.pk, "assess"])
    data = _post_data(version, None, **{"assess-notes": "Typed notes stay."})
    response = login(world["assessor"]).post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Typed notes stay." in body and "Choose the responsible therapist." in body
    assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED


def test_waiting_list_page_positions_and_start_now(world, login, django_assert_max_num_queries):
    version = published_version(world)

    def wait(n, start=0):
        for i in range(start, start + n):
            a = make_application(world.clinic, f"wl{i}@apply.test", last=f"Wait{i}")
            decision_actions.do_assess(
                a,
                acting_user=world["assessor"],
                programme_version=version,
                therapist=world["therapist"],
                over_capacity_ok=True,
                **assess_kwargs(decision="wait"),
            )

    client = login(world["intake"])
    url = reverse("intake_waiting_list")
    wait(2)
    with django_assert_max_num_queries(25) as small:
        body = client.get(url).content.decode()
    assert "2 people waiting" in body and "Wait0" in body and "not known" in body
    wait(4, start=2)
    with django_assert_max_num_queries(25) as large:
        client.get(url)
    assert len(small) == len(large)
    first = Application.objects.get(last_name="Wait0")
    response = client.post(
        reverse("intake_application_action", args=[first.pk, "start"]), {"next": "waiting"}
    )
    assert response.status_code == 302 and url in response["Location"]
    first.refresh_from_db()
    assert first.status == Status.ACCEPTED and first.episode.status == "active"
    # one start in the last eight weeks: a pace, so expected starts are given
    assert "not known" not in client.get(url).content.decode()


def test_the_waiting_applicant_sees_what_to_do_meanwhile(world, login):
    from tessera.core.actions import do_add_crisis_contact

    do_add_crisis_contact(
        world.clinic, acting_user=world["manager"], language="en", label="Crisis line", phone="112"
    )
    version = published_version(world)
    application = make_application(world.clinic, "meanwhile@apply.test")
    decision_actions.do_assess(
        application,
        acting_user=world["assessor"],
        programme_version=version,
        **assess_kwargs(decision="wait"),
    )
    body = (
        login(application.applicant)
        .get(reverse("intake_status", args=[application.pk]))
        .content.decode()
    )
    assert "On the waiting list" in body and "While you wait" in body
    assert reverse("intake_clinic", args=[world.clinic.slug]) in body
    assert "Crisis line" in body


def test_the_application_page_uses_constant_queries(world, login, django_assert_max_num_queries):
    from tessera.intake import actions
    from tessera.intake.actions import apply as apply_actions
    from tests.intake.intake_helpers import REFERRAL

    published_version(world)
    application = apply_actions.do_refer(
        world.clinic,
        referral=REFERRAL,
        person={
            "first_name": "Q",
            "last_name": "Count",
            "date_of_birth": world.patient.date_of_birth,
        },
    )
    client = login(world["assessor"])
    url = reverse("intake_application", args=[application.pk])

    def count() -> int:
        with django_assert_max_num_queries(45) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = count()
    for i in range(4):  # more log rows and letters
        actions.do_ask_for_information(application, acting_user=world["intake"], message=f"Q{i}")
    from tessera.letters.actions import do_write_application_letter

    for _ in range(3):
        do_write_application_letter(application, "declined", acting_user=world["intake"])
    assert count() == small
