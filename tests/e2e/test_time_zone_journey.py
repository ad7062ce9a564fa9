"""A Scottish clinic's therapist sees a risk alert in London time; the same alert at a
Swedish clinic is an hour later on the clock."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tessera.core.models import Clinic
from tessera.safety.actions import do_raise_concern
from tessera.safety.models import RiskAlert
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e


def test_a_scottish_clinics_therapist_sees_london_times(page, e2e_world):
    Clinic.objects.filter(pk=e2e_world.clinic.pk).update(
        time_zone="Europe/London", country="GB-SCT"
    )
    episode = e2e_world.patient.episodes.get()
    alert = do_raise_concern(
        episode, acting_user=e2e_world.therapist, concern="Worried", severity="moderate"
    )
    RiskAlert.objects.filter(pk=alert.pk).update(
        opened_at=dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    )
    cookie_sign_in(page, e2e_world.therapist.email, f"/alerts/{alert.pk}/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("2026-03-02 09:30")
    expect(main).not_to_contain_text("2026-03-02 10:30")
