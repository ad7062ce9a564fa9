"""Issue 20, item 9, in a real browser: the before-treatment PHQ-9/GAD-7 does not repeat
a screening done just before. A patient screened minutes before treatment starts finds
nothing to fill in, their screening listed as sent; one screened long ago (outside
treatment's ``BASELINE_WINDOW``) is asked again."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.roles import Role
from tessera.intake.actions import decisions as decision_actions
from tessera.intake.models import ScreeningAnswer
from tessera.treatment.actions.episodes import BASELINE_WINDOW
from tessera.treatment.models import MeasureRule
from tests.conftest import make_clinic, make_user
from tests.e2e.conftest import cookie_sign_in
from tests.intake.assessment_helpers import assess_kwargs
from tests.intake.intake_helpers import make_application
from tests.intake.matching_fixtures import DEPRESSION, publish_programme

pytestmark = pytest.mark.e2e


@pytest.fixture
def accepted(transactional_db):
    region = actions.do_create_region(name="Baseline Region", country="SE")
    clinic = make_clinic(region, "baseline")
    staff = {}
    for kind, role in [
        ("assessor", Role.ASSESSOR),
        ("therapist", Role.THERAPIST),
        ("author", Role.CONTENT_AUTHOR),
    ]:
        staff[kind] = make_user(f"{kind}@baseline.test", second_factor=True)
        actions.do_grant_role(staff[kind], clinic, role)
    for code in ("PHQ-9", "GAD-7"):
        MeasureRule.objects.create(clinic=clinic, instrument=code, time_point="pre")
    programme = publish_programme(
        region, staff["author"], "low-mood", area="depression", eligibility=DEPRESSION
    )
    version = programme.versions.get(status="published")

    def accept(email: str, screened_days_ago: int = 0):
        application = make_application(clinic, email)
        if screened_days_ago:
            ScreeningAnswer.objects.filter(application=application).update(
                submitted_at=timezone.now() - dt.timedelta(days=screened_days_ago)
            )
        decision_actions.do_assess(
            application,
            acting_user=staff["assessor"],
            programme_version=version,
            therapist=staff["therapist"],
            **assess_kwargs(),
        )

    accept("just.screened@apply.test")
    accept("long.ago@apply.test", screened_days_ago=BASELINE_WINDOW.days + 16)


def _to_fill_in(page):
    return page.get_by_role("region", name="To fill in now")


def test_a_patient_screened_just_before_the_start_is_not_asked_again(page, accepted):
    cookie_sign_in(page, "just.screened@apply.test", "/me/questionnaires/")
    expect(_to_fill_in(page)).to_contain_text("Nothing to fill in right now.")
    expect(_to_fill_in(page).get_by_role("link")).to_have_count(0)
    sent = page.get_by_role("region", name="Sent")
    expect(sent).to_contain_text("PHQ-9")
    expect(sent).to_contain_text("GAD-7")


def test_a_patient_screened_long_ago_is_asked_again(page, accepted):
    cookie_sign_in(page, "long.ago@apply.test", "/me/questionnaires/")
    expect(_to_fill_in(page).get_by_role("link", name=re.compile("PHQ-9"))).to_be_visible()
    expect(_to_fill_in(page).get_by_role("link", name=re.compile("GAD-7"))).to_be_visible()
    expect(page.get_by_role("region", name="Sent")).to_have_count(0)
