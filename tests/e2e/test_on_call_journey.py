"""The on-call rota in the browser: a clinic manager puts a therapist on call for
Saturdays; a high-severity risk alert on a Saturday night (the clinic is closed) reaches
that person at once by e-mail and text message, with nothing clinical in either; they
open the link, see the patient while the alert is open, and acknowledge it. Unanswered,
an urgent alert that night escalates to them, not to the supervisors (issue 12)."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.roles import Role
from tessera.notifications import sms
from tessera.safety import actions as safety
from tessera.safety.models import RiskAlert
from tests.conftest import make_user
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
SATURDAY_NIGHT = dt.datetime(2026, 11, 28, 2, 0, tzinfo=STOCKHOLM)


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.TESSERA_SMS_BACKEND = "tessera.notifications.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def test_a_manager_adds_a_shift_and_a_saturday_night_alert_reaches_the_on_call_person(
    page, e2e_world, sms_outbox
):
    clinic = e2e_world.clinic
    manager = make_user("maja@alpha.test", second_factor=True, first_name="Maja")
    actions.do_grant_role(manager, clinic, Role.CLINIC_MANAGER)
    olle = make_user("olle@alpha.test", second_factor=True, first_name="Olle", last_name="Jour")
    actions.do_grant_role(olle, clinic, Role.THERAPIST)

    # The manager adds the shift through the rota page.
    cookie_sign_in(page, manager.email, f"/clinics/{clinic.slug}/on-call/")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_contain_text("On-call rota")
    expect(main).to_contain_text("Nobody is on call yet.")
    main.get_by_label("Who").select_option(str(olle.pk))
    main.get_by_label("Saturday").check()
    main.get_by_label("From").select_option("0")
    main.get_by_label("To").select_option("24")
    main.get_by_label("Their mobile number for urgent alerts").fill("+46701112233")
    main.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_load_state()
    expect(main).to_contain_text(re.compile(r"Saturday 00:00–24:00 · Olle"))
    page.get_by_role("button", name=re.compile("Sign out", re.I)).first.click()
    page.wait_for_load_state()

    # Saturday 02:00, the clinic closed: a high-severity alert opens.
    episode = e2e_world.patient.episodes.get()
    with time_machine.travel(SATURDAY_NIGHT, tick=False):
        alert = safety.do_raise_concern(
            episode,
            acting_user=e2e_world.therapist,
            concern="Said on the phone she has a plan.",
            severity="high",
        )
    assert alert.severity == "high"
    to_olle = [m for m in mail.outbox if m.to == [olle.email]]
    assert len(to_olle) == 1
    (text,) = [s for s in sms_outbox if s.recipient_id == olle.pk]
    assert text.phone == "+46701112233"
    for body in [text.text, to_olle[0].subject + to_olle[0].body]:
        assert "Pia" not in body and "Larsson" not in body and "plan" not in body
    link = re.search(r"/alerts/\d+/", to_olle[0].body).group(0)

    # Olle follows the link, sees the alert and acknowledges it.
    cookie_sign_in(page, olle.email, link)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_contain_text("Risk alert")
    expect(main).to_contain_text("Said on the phone she has a plan.")
    main.get_by_role("button", name=re.compile("Acknowledge", re.I)).click()
    page.wait_for_load_state()
    alert.refresh_from_db()
    assert alert.acknowledged_by_id == olle.pk


def test_an_unanswered_urgent_alert_that_night_escalates_to_the_on_call_person(
    e2e_world, sms_outbox
):
    """The same rota, without the browser: an urgent alert has one clock hour."""
    clinic = e2e_world.clinic
    olle = make_user("olle@alpha.test", second_factor=True, first_name="Olle")
    actions.do_grant_role(olle, clinic, Role.THERAPIST)
    supervisor = make_user("sara@alpha.test", second_factor=True, first_name="Sara")
    actions.do_grant_role(supervisor, clinic, Role.SUPERVISOR)
    manager = make_user("maja@alpha.test", second_factor=True, first_name="Maja")
    actions.do_grant_role(manager, clinic, Role.CLINIC_MANAGER)
    actions.do_add_on_call_shifts(
        clinic, acting_user=manager, user=olle, weekdays=[6], starts_hour=0, ends_hour=24
    )
    episode = e2e_world.patient.episodes.get()
    with time_machine.travel(SATURDAY_NIGHT, tick=False):
        alert = safety.do_raise_concern(
            episode, acting_user=e2e_world.therapist, concern="A plan.", severity="urgent"
        )
    assert alert.acknowledge_by == SATURDAY_NIGHT + dt.timedelta(hours=1)
    mail.outbox.clear()
    with time_machine.travel(SATURDAY_NIGHT + dt.timedelta(minutes=61), tick=False):
        (escalated,) = safety.escalate_overdue()
    assert escalated.escalation_level == 1
    told = {m.to[0] for m in mail.outbox}
    assert olle.email in told and supervisor.email not in told
    assert RiskAlert.objects.get().escalation_level == 1
