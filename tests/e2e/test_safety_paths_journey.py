"""Issue 12 "done when", in the browser:

- a clinic without crisis contacts of its own cannot take patients: its manager is told,
  its public page says so (with the country's numbers) and offers no application; once
  the manager adds a contact the page is open again;
- a clinic that turns on unguided care without anyone on call in its working hours is
  refused on the settings page, with the hours nobody covers;
- a late sweep is visible: the risk alert list warns staff, /healthz says "late", and
  the overdue alert escalates as soon as the sweep runs again;
- the letter for a one-contact course says the course was not finished and gives no
  outcome labels, although its scores alone would read as "recovered".
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tessera.automation.sweep import run_automation
from tessera.core import actions
from tessera.core.actions import do_update_patient_details
from tessera.core.models import CrisisContact
from tessera.core.roles import Role
from tessera.safety import actions as safety
from tessera.safety.models import RiskAlert
from tessera.treatment import actions as treatment
from tessera.treatment.models import DueMeasure, MeasureRule
from tests.conftest import make_user
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e


def _manager(clinic):
    manager = make_user("maja@alpha.test", second_factor=True, first_name="Maja")
    actions.do_grant_role(manager, clinic, Role.CLINIC_MANAGER)
    return manager


def test_no_crisis_contacts_no_patients_and_no_unguided_care_without_cover(page, e2e_world):
    clinic = e2e_world.clinic
    manager = _manager(clinic)
    CrisisContact.objects.filter(clinic=clinic).delete()

    # The public page: not taking patients, the national numbers, no way to apply.
    page.goto(f"/c/{clinic.slug}/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("This clinic is not taking patients or referrals yet.")
    expect(main.get_by_role("link", name="112", exact=True)).to_have_attribute("href", "tel:112")
    expect(main).to_contain_text("90101")  # Självmordslinjen, shipped for Sweden
    expect(main.get_by_role("link", name=re.compile("apply|application", re.I))).to_have_count(0)
    page.goto(f"/c/{clinic.slug}/apply/start/")
    expect(page.get_by_role("main")).to_contain_text("not taking patients or referrals yet")

    # The manager is told on the clinic page, and adds the clinic's own contact.
    cookie_sign_in(page, manager.email, f"/clinics/{clinic.slug}/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("This clinic cannot take patients yet")
    main.get_by_role("link", name="Change crisis contacts").click()
    main = page.get_by_role("main")
    main.get_by_label("Language").select_option("en")
    main.get_by_label(re.compile(r"^Name")).fill("Psykiatriska akuten")
    main.get_by_label("Phone").fill("08-123 123 00")
    main.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_load_state()
    expect(main).to_contain_text("Psykiatriska akuten")

    # Unguided care with nobody on call in the working hours is refused, with the hours.
    page.goto(f"/clinics/{clinic.slug}/edit/")
    main = page.get_by_role("main")
    main.get_by_label("Unguided care", exact=True).check()
    main.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    expect(main).to_contain_text("The clinic offers unguided care")
    expect(main).to_contain_text("Monday 08–16")
    expect(main).to_contain_text("Put someone on the on-call rota for those hours first")
    clinic.refresh_from_db()
    assert not clinic.offers_unguided

    # The public page is open again, with the clinic's own contact above the national ones.
    page.goto(f"/c/{clinic.slug}/")
    main = page.get_by_role("main")
    expect(main).not_to_contain_text("not taking patients")


def test_a_late_sweep_is_seen_and_the_overdue_alert_escalates_when_it_runs(
    page, e2e_world, settings
):
    settings.TESSERA_SWEEP_MAX_AGE_MINUTES = 10
    clinic = e2e_world.clinic
    _manager(clinic)
    episode = e2e_world.patient.episodes.get()
    two_hours_ago = timezone.now() - dt.timedelta(hours=2)
    with time_machine.travel(two_hours_ago, tick=False):
        alert = safety.do_raise_concern(
            episode, acting_user=e2e_world.therapist, concern="A plan.", severity="urgent"
        )
        run_automation()  # the last sweep: two hours ago, before the alert fell due
    assert RiskAlert.objects.get().escalation_level == 0

    cookie_sign_in(page, e2e_world.therapist.email, "/alerts/")
    main = page.get_by_role("main")
    warning = main.get_by_role("alert").filter(has_text="Alerts are not being escalated.")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("look through the open alerts yourself")
    health = page.request.get("/healthz").json()
    assert (health["status"], health["sweep"]) == ("degraded", "late")

    # The sweep runs again: the overdue urgent alert goes up at once, and the warning goes.
    mail.outbox.clear()
    run_automation()
    alert.refresh_from_db()
    assert alert.escalation_level == 1
    assert mail.outbox  # somebody was told
    page.reload()
    expect(page.get_by_role("main")).not_to_contain_text("Alerts are not being escalated.")
    assert page.request.get("/healthz").json()["sweep"] == "ok"


def _answer(episode, instrument, point, value, items, patient_user, sequence=0):
    due = DueMeasure.objects.filter(
        episode=episode, instrument=instrument, time_point=point
    ).order_by("sequence")[sequence]
    answers = dict.fromkeys(range(1, items + 1), value)
    if instrument == "PHQ-9":
        answers[9] = 0
    treatment.do_submit_response(
        due, answers, acting_user=patient_user, submission_key=uuid.uuid4(), language="en"
    )


def test_the_letter_for_a_one_contact_course_says_not_finished(page, e2e_world):
    from tessera.appointments import actions as sessions

    clinic, therapist = e2e_world.clinic, e2e_world.therapist
    clinic.languages = ["en", "sv"]  # the letter is in the clinic's first language
    clinic.save(update_fields=["languages"])
    patient = e2e_world.patient
    episode = patient.episodes.get()
    do_update_patient_details(
        patient, acting_user=therapist, gp_name="Dr Eva Ek", letters_to_gp=True
    )
    for code in ["PHQ-9", "GAD-7"]:
        for point in ["pre", "weekly"]:
            MeasureRule.objects.create(clinic=clinic, instrument=code, time_point=point)
    treatment.do_start_treatment(episode, acting_user=therapist)
    sessions.do_change_care_model(
        episode, acting_user=therapist, to_model="blended", reason="Wants to meet"
    )
    session = sessions.do_book_appointment(
        episode,
        acting_user=therapist,
        therapist=therapist,
        kind="face_to_face",
        place="Room 1",
        starts_at=timezone.now() - dt.timedelta(days=7),
    )
    sessions.do_record_session(session, acting_user=therapist, status="attended")
    # PHQ-9 16 → 0 and GAD-7 14 → 0: a finished course with these would be "recovered".
    _answer(episode, "PHQ-9", "pre", 2, 9, patient.user)
    _answer(episode, "PHQ-9", "weekly", 0, 9, patient.user)
    _answer(episode, "GAD-7", "pre", 2, 7, patient.user)
    _answer(episode, "GAD-7", "weekly", 0, 7, patient.user)

    cookie_sign_in(page, therapist.email, f"/episodes/{episode.pk}/end/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Does not yet count as a finished course")
    main.get_by_label("completed treatment").check()
    main.get_by_role("button", name="End the episode").click()
    page.wait_for_load_state()

    # The ended letter opens: scores only, "not finished", no outcome label.
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Treatment has ended")).to_be_visible()
    expect(main).to_contain_text("1 attended treatment contact")
    expect(main).to_contain_text("The course was not finished")
    expect(main.get_by_role("row", name=re.compile(r"PHQ-9\s+16\s+0"))).to_be_visible()
    for label in ["Recovered", "Not recovered", "Reliable improvement", "Reliable deterioration"]:
        expect(main).not_to_contain_text(label)
