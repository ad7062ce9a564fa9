"""A questionnaire due today is "due today", not "overdue" (issue 14), even late in the
evening, when its due time (the start of the day in the clinic's time zone) is long
past: on the demo patient's home page (desktop) and their questionnaire list (a
390 × 844 phone). One due yesterday, beside it, is "overdue since" yesterday."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from tessera.treatment.models import DueMeasure
from tests.e2e.conftest import cookie_sign_in

PHQ = re.compile(r"\(PHQ-9\)")
GAD = re.compile(r"\(GAD-7\)")


@pytest.fixture
def late_evening(seeded_demo, clock):
    """23:30 at the clinic today; PHQ-9 due at the start of today, GAD-7 of yesterday."""
    due = DueMeasure.objects.filter(
        episode__patient__user__email="patient@demo.tessera.test", completed_at__isnull=True
    ).select_related("episode__clinic")
    tz = ZoneInfo(due.first().episode.clinic.time_zone)
    today = timezone.now().astimezone(tz).date()
    midnight = dt.datetime.combine(today, dt.time(), tzinfo=tz)
    clock.move_to(midnight + dt.timedelta(hours=23, minutes=30))
    for code, day_start in (("PHQ-9", midnight), ("GAD-7", midnight - dt.timedelta(days=1))):
        due.filter(instrument=code, opens_at__lte=midnight).update(
            due_at=day_start,
            opens_at=day_start - dt.timedelta(days=1),
            expires_at=midnight + dt.timedelta(days=5),
        )
    return today - dt.timedelta(days=1)


def _check(cards, yesterday) -> None:
    phq = cards.filter(has=cards.page.get_by_role("link", name=PHQ))
    gad = cards.filter(has=cards.page.get_by_role("link", name=GAD))
    expect(phq).to_contain_text("due today")
    expect(phq).not_to_contain_text("overdue")
    expect(gad).to_contain_text(f"overdue since {date_format(yesterday, 'SHORT_DATE_FORMAT')}")


def test_due_today_on_the_home_page_and_the_list_on_a_phone(
    page, browser, live_server, late_evening
):
    cookie_sign_in(page, "patient@demo.tessera.test")
    _check(page.locator("li.card"), late_evening)

    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    phone = context.new_page()
    try:
        cookie_sign_in(phone, "patient@demo.tessera.test", "/me/questionnaires/")
        expect(phone.get_by_role("heading", level=1)).to_have_text("Questionnaires")
        _check(phone.locator("li.card"), late_evening)
    finally:
        context.close()
