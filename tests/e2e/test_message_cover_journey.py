"""Decision 0160's follow-up in a real browser: Tove is on leave today, Sara (a
therapist, and a supervisor who may open Tove's patients) covers her. Pia's message,
written while Tove is away, is in Sara's own inbox as waiting for a reply; Sara opens the
conversation from it and replies, and the message no longer waits."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.clinic_dates import clinic_today
from tessera.core.roles import Role
from tessera.messaging import actions as messaging
from tessera.messaging.models import Message
from tests.conftest import make_user
from tests.e2e.axe_check import fits_and_passes_axe
from tests.e2e.conftest import cookie_sign_in, wait_for_scripts

pytestmark = pytest.mark.e2e


def test_the_cover_sees_the_message_in_their_inbox_and_replies(page, e2e_world):
    clinic, tove, pia = e2e_world.clinic, e2e_world.therapist, e2e_world.patient
    episode = pia.episodes.get()
    sara = make_user("sara@alpha.test", second_factor=True, first_name="Sara", last_name="Sund")
    actions.do_grant_role(sara, clinic, Role.THERAPIST)
    actions.do_grant_role(sara, clinic, Role.SUPERVISOR)
    today = clinic_today(clinic)
    actions.do_record_leave(
        clinic,
        acting_user=e2e_world.staff_no_mfa,
        user=tove,
        first_day=today,
        last_day=today + dt.timedelta(days=4),
        cover=sara,
    )
    messaging.do_send_message(
        episode, acting_user=pia.user, body="I had a hard week.", submission_key=uuid.uuid4()
    )

    cookie_sign_in(page, sara.email, "/inbox/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox")
    page.get_by_role("link", name=re.compile(r"^Waiting for a reply \(1\)")).click()
    wait_for_scripts(page)
    rows = page.locator("table.inbox tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Pia Larsson")
    fits_and_passes_axe(page)

    rows.first.locator(f'a[href^="/episodes/{episode.pk}/messages/"]').first.click()
    expect(page.locator(".conversation")).to_contain_text("I had a hard week.")
    page.locator("#id_body").fill("Tove is away this week; I am reading your messages.")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".conversation")).to_contain_text("I am reading your messages")
    assert not Message.objects.filter(episode=episode).awaiting_reply().exists()
