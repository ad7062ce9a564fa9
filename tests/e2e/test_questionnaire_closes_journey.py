"""A questionnaire closes while the demo patient is answering it on a phone (decisions
0131, 0136): within the hour after its window ends, what they began is still sent; later,
nothing is stored, but a risk answer among the answers shows the crisis contacts and,
sent, reaches the clinic as a risk alert, with the way to write to the care team."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tessera.safety.models import RiskAlert
from tessera.treatment.models import DueMeasure, Response, ResponseDraft
from tests.e2e.conftest import cookie_sign_in, wait_until

PHONE = {"width": 320, "height": 740}
PATIENT = "patient@demo.tessera.test"


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def phq9(seeded_demo):
    return DueMeasure.objects.get(
        episode__patient__user__email=PATIENT,
        instrument="PHQ-9",
        completed_at__isnull=True,
        opens_at__lte=timezone.now(),
        expires_at__gt=timezone.now(),
    )


def _answer(page, values: dict[int, int]) -> None:
    for number, value in values.items():
        group = page.get_by_role("group", name=re.compile(rf"^{number}\. "))
        group.get_by_role("radio").nth(value).check()


def _close(due, ago: dt.timedelta) -> None:
    now = timezone.now()
    DueMeasure.objects.filter(pk=due.pk).update(
        due_at=now - ago - dt.timedelta(days=1), expires_at=now - ago
    )


def test_begun_before_the_window_ended_it_is_still_sent(phone, phq9):
    cookie_sign_in(phone, PATIENT, "/me/questionnaires/")
    phone.get_by_role("link", name=re.compile(r"\(PHQ-9\)")).click()
    _answer(phone, {1: 1})
    wait_until(lambda: ResponseDraft.objects.filter(due=phq9).exists())
    _close(phq9, dt.timedelta(minutes=10))
    _answer(phone, {n: 1 for n in range(2, 9)} | {9: 0})
    phone.get_by_role("button", name="Review my answers").click()
    phone.get_by_role("button", name=re.compile("Send")).click()
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    wait_until(lambda: Response.objects.filter(due=phq9).exists())


def test_a_risk_answer_after_the_close_reaches_the_clinic_and_is_not_lost_in_a_list(phone, phq9):
    cookie_sign_in(phone, PATIENT, "/me/questionnaires/")
    phone.get_by_role("link", name=re.compile(r"\(PHQ-9\)")).click()
    _answer(phone, {n: 1 for n in range(1, 9)})
    wait_until(lambda: ResponseDraft.objects.filter(due=phq9).exists())
    _close(phq9, dt.timedelta(hours=2))  # past the hour: the window is shut
    _answer(phone, {9: 2})
    # The autosave is refused in the status line, and the crisis box comes in.
    expect(phone.get_by_role("status")).to_contain_text("Not saved: this questionnaire has closed.")
    expect(phone.get_by_role("status")).to_contain_text("tell the clinic about your answer")
    crisis = phone.get_by_role("heading", name="If you are thinking about harming yourself")
    expect(crisis).to_be_visible()
    assert not RiskAlert.objects.filter(due=phq9).exists()  # choosing is not sending
    phone.get_by_role("button", name="Review my answers").click()
    # Sent: the risk answer went to the clinic as an alert; the crisis box stays.
    expect(phone.get_by_text("that answer has been passed on to your clinic")).to_be_visible()
    expect(crisis).to_be_visible()
    alert = RiskAlert.objects.get(due=phq9)
    assert alert.source == "late" and [f["item"] for f in alert.late_flags] == [9]
    assert not Response.objects.filter(due=phq9).exists()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.get_by_role("link", name="Write to your care team").click()
    expect(phone).to_have_url(re.compile(r"/me/messages/$"))
