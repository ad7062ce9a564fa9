"""A patient of an unguided service completes two modules with automated messages and
reminders and no staff action (issue 7, "done when"). The periodic sweep is called from
the test between the steps, as the worker would run it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from playwright.sync_api import expect

from tessera.automation.sweep import run_automation
from tessera.core import actions
from tessera.messaging.models import Message
from tessera.notifications.models import Notification
from tessera.treatment import plans
from tessera.treatment.models import MeasureRule
from tests.automation.conftest import make_unguided
from tests.conftest import make_clinic
from tests.e2e.conftest import cookie_sign_in
from tests.plan_fixtures import _module, _programme

pytestmark = pytest.mark.e2e


@pytest.fixture
def unguided_patient(transactional_db):
    region = actions.do_create_region(name="Highland Region", country="SE")
    clinic = make_clinic(region, "highland")
    MeasureRule.objects.create(clinic=clinic, instrument="PHQ-9", time_point="pre")
    first = _module(region, "calm", "Calm breathing basics")
    second = _module(region, "steps", "Small steps plan")
    programme = _programme(
        region, "selfhelp", "Self-help", [first, second], unlock_rule="after_previous"
    )
    start = plans.clinic_today(clinic) - dt.timedelta(days=1)
    patient, episode = make_unguided(clinic, "una@highland.test", programme=programme, start=start)
    return patient, episode


def _finish(page, title: str) -> None:
    page.goto("/me/modules/")
    page.get_by_role("link", name=title).click()
    page.get_by_role("button", name="I have finished this module").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("My modules")


def test_an_unguided_patient_completes_two_modules_with_no_staff_action(page, unguided_patient):
    patient, episode = unguided_patient
    run_automation()  # welcome, and reminders: a questionnaire and the first module
    cookie_sign_in(page, "una@highland.test")

    page.goto("/me/messages/")
    expect(page.get_by_role("main")).to_contain_text("Welcome! Your programme has started.")
    expect(page.get_by_role("main")).to_contain_text("Sent automatically")
    # nobody reads messages in unguided care, so the page offers "I need help" instead
    expect(page.get_by_role("link", name="I need help")).to_be_visible()

    page.goto("/me/modules/")
    expect(page.get_by_role("link", name="I need help")).to_be_visible()
    _finish(page, "Calm breathing basics")
    run_automation()  # after the first module; the second is now open: a reminder
    _finish(page, "Small steps plan")
    run_automation()  # after the second module

    page.goto("/me/messages/")
    main = page.get_by_role("main")
    expect(main.get_by_text("Well done for finishing a module.")).to_have_count(2)
    expect(main.get_by_text("Sent automatically")).to_have_count(3)
    automated = Message.objects.filter(episode=episode, is_automated=True)
    assert automated.count() == 3 and not automated.filter(author__isnull=False).exists()
    assert not Message.objects.filter(episode=episode, is_automated=False).exists()

    kinds = sorted(
        Notification.objects.filter(recipient=patient.user, state="sent").values_list(
            "kind", flat=True
        )
    )
    assert kinds.count("reminder_questionnaire") == 1
    assert kinds.count("reminder_module") == 2  # one for each module as it opened
    assert kinds.count("new_message") == 3
    subjects = [m.subject for m in mail.outbox]
    assert "Tessera: A questionnaire is waiting for you" in subjects
    assert subjects.count("Tessera: Something new is ready for you") == 2
    run_automation()
    assert len(mail.outbox) == len(subjects)  # nothing is sent twice
