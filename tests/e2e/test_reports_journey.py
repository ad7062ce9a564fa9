"""A clinic manager reads the outcome report and the implementation dashboard of their
clinic and downloads tables (CSV and Excel) and exports to a quality register; a
therapist sees only their own patients' outcomes."""

from __future__ import annotations

import copy
import csv
import io
import re
from dataclasses import dataclass, field

import openpyxl
import pytest
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.roles import Role
from tessera.reports.models import EpisodeOutcome
from tessera.treatment.actions.schedule import do_add_measure_rule
from tests.conftest import make_user
from tests.demo_snapshot import DatabaseCopy, kept_for_the_day
from tests.e2e.conftest import build_e2e_world, cookie_sign_in
from tests.reports.cohort import COHORT, build

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("warm_pdf")]  # downloads PDFs


@dataclass
class _World:
    clinic: object
    users: dict = field(default_factory=dict)

    def __getitem__(self, kind):
        return self.users[kind]


class _Cohort:
    """The cohort's world of this test process, built once, and its database as built."""

    world = None
    database = DatabaseCopy()


@pytest.fixture
def cohort_world(transactional_db, flushable_audit_trail):
    """The journeys' people (``e2e_world``), a colleague, a manager and the hand-scored
    cohort (tests/reports/cohort.py), committed. Built by the first test of a process
    that asks (again on a new day: the cohort's dates count from today); each later test
    gets the same committed rows back from a copy, as the axe walk's people do (decision
    0104), and its own copy of the objects."""
    built = kept_for_the_day(_Cohort.database, _build_cohort_world)
    if built is not None:
        _Cohort.world = built
    assert EpisodeOutcome.objects.filter(finished=True).count() == 5  # written on commit
    return copy.deepcopy(_Cohort.world)


def _build_cohort_world() -> _World:
    e2e_world = build_e2e_world()
    world = _World(e2e_world.clinic, {"therapist": e2e_world.therapist})
    colleague = make_user("colleague@alpha.test", second_factor=True, first_name="Cole")
    actions.do_grant_role(colleague, e2e_world.clinic, Role.THERAPIST)
    manager = make_user("manager@alpha.test", second_factor=True, first_name="Maja")
    actions.do_grant_role(manager, e2e_world.clinic, Role.CLINIC_MANAGER)
    world.users.update(colleague=colleague, manager=manager)
    for code in ("PHQ-9", "GAD-7"):
        for point in ("pre", "weekly"):
            do_add_measure_rule(
                e2e_world.clinic, acting_user=manager, instrument=code, time_point=point
            )
    for i, course in enumerate(COHORT):
        build(world, course, i)
    return world


def test_a_manager_reads_the_outcomes_and_the_dashboard(page, cohort_world):
    cookie_sign_in(page, "manager@alpha.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    page.get_by_role("link", name="outcome report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Outcomes: Clinic alpha")
    recovery = page.get_by_role("row", name=re.compile("^Recovery"))
    expect(recovery).to_contain_text("50.0 %")
    expect(recovery).to_contain_text("4")
    page.get_by_role("link", name="Recovery", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How the figures are defined")
    page.go_back()

    page.get_by_role("link", name="Outcome of each episode").click()
    expect(page.get_by_role("table")).to_contain_text("Reliable improvement")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download as CSV")).click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert text.startswith("episode,problem,dep_instrument")
    # The header, the cohort, and Pia's episode (still in treatment, not finished).
    assert len(text.strip().splitlines()) == 1 + len(COHORT) + 1

    page.goto("/reports/")
    page.get_by_role("link", name="implementation dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Implementation dashboard")
    expect(page.get_by_role("img", name="Applications per week")).to_be_visible()
    expect(page.get_by_role("table", name="Courses by quarter")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download “Courses by quarter” as CSV").click()
    rows = open(download.value.path(), encoding="utf-8").read().strip().splitlines()
    assert rows[0] == "Quarter,Applications,From professionals,Started,Ended,Finished,Recovered"


def test_a_therapist_sees_only_their_own_outcomes(phone_page, cohort_world):
    page = phone_page
    cookie_sign_in(page, "therapist@alpha.test")
    page.goto("/reports/")
    page.get_by_role("link", name="Outcome of each of my episodes").click()
    table = page.get_by_role("table")
    for name in ("A", "B", "C", "D", "E"):
        expect(table.get_by_role("link", name=re.compile(rf"^{name} "))).to_be_visible()
    expect(table.get_by_role("link", name=re.compile(r"^F "))).to_have_count(0)
    page.goto("/reports/clinics/alpha/outcomes/")
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("Outcomes")


def test_a_manager_builds_and_downloads_the_quarterly_pdf(page, cohort_world):
    cookie_sign_in(page, "manager@alpha.test")
    page.goto("/reports/")
    page.get_by_role("link", name="quarterly reports").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quarterly reports")
    page.get_by_role("button", name="Build the report").click()
    expect(page.get_by_role("status")).to_contain_text("was built")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^PDF of")).first.click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"


def test_a_region_administrator_compares_the_clinics_with_small_numbers_hidden(page, cohort_world):
    from tessera.core.models import Region
    from tests.conftest import make_clinic

    region = Region.objects.get(name="E2E Region")
    make_clinic(region, "beta")
    admin = make_user("region.admin@e2e.test", second_factor=True, first_name="Rolf")
    actions.do_make_region_admin(admin, region)
    cookie_sign_in(page, "region.admin@e2e.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Compare the clinics of E2E Region").click()
    table = page.get_by_role("table", name="Outcomes of the courses that ended, per clinic")
    expect(table.get_by_role("row")).to_have_count(3)  # the header and two clinics
    alpha = table.get_by_role("row", name=re.compile("Clinic alpha"))
    expect(alpha).to_contain_text("83.3 % (5/6)")  # finished: shown (5 of 6)
    expect(alpha).to_contain_text("fewer than 5")  # recovery 2 of 4: hidden


def _workbook(path):
    """openpyxl goes by the file's extension, which a download's path lacks."""
    with open(path, "rb") as handle:
        return openpyxl.load_workbook(io.BytesIO(handle.read()), read_only=True)


def test_a_manager_reads_adverse_effects_and_the_new_dashboard_figures_and_downloads_excel(
    page, cohort_world
):
    EpisodeOutcome.objects.filter(finished=True).update(neq_effects=1)
    cookie_sign_in(page, "manager@alpha.test")
    page.goto("/reports/")
    page.get_by_role("link", name="outcome report").click()
    adverse = page.get_by_role("row", name=re.compile("^Reported at least one negative effect"))
    expect(adverse).to_contain_text("100.0 %")  # the five finished courses answered
    page.get_by_role("link", name="Reported at least one negative effect (NEQ-20)").click()
    expect(page.locator("#adverse_effects")).to_be_visible()

    page.goto("/reports/")
    page.get_by_role("link", name="implementation dashboard").click()
    for name in (
        "Where patients live (postcode area)",
        "Why applications were declined or referred elsewhere",
        "Adoption by GPs: referrals from professionals per quarter",
        "Reply times and online share of therapists' time per week",
        "Module adherence and dropout by programme (courses that ended)",
        "Waiting times in days",
    ):
        expect(page.get_by_role("table", name=name)).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("^Online share"))).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download “Courses by quarter” as an Excel workbook").click()
    assert download.value.suggested_filename == "alpha-quarters.xlsx"
    book = _workbook(download.value.path())
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[1][:4] == ("Quarter", "Applications", "From professionals", "Started")
    assert sum(row[3] for row in rows[2:]) == len(COHORT)  # Pia has not started
    with page.expect_download() as download:
        page.get_by_role("link", name="Every table of the dashboard as one Excel workbook").click()
    book = _workbook(download.value.path())
    assert "Waiting times in days" in book.sheetnames and len(book.sheetnames) == 10


def test_a_manager_exports_to_a_quality_register_once(page, cohort_world):
    cookie_sign_in(page, "manager@alpha.test")
    page.goto("/reports/")
    page.get_by_role("link", name="exports to quality registers").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Exports to quality registers")
    expect(page.get_by_text("No exports yet.")).to_be_visible()
    page.get_by_label("Register profile").select_option("siber-1")
    page.get_by_role("button", name="Show what will be exported").click()
    courses = len(COHORT)  # the cohort (Pia has not started treatment)
    expect(page.get_by_text(f"{courses} courses are new or changed")).to_be_visible()
    expect(page.get_by_role("table", name="Codebook of siber, version 1")).to_contain_text(
        "red_flag"
    )
    page.get_by_role("button", name=f"Export {courses} courses").click()
    expect(page.get_by_role("status")).to_contain_text(f"{courses} courses were exported.")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Export \d+ as CSV")).click()
    with open(download.value.path(), encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == courses and {r["red_flag"] for r in rows} == {"0"}
    # Asked again: nothing new, so there is nothing to export.
    page.get_by_label("Register profile").select_option("siber-1")
    page.get_by_role("button", name="Show what will be exported").click()
    expect(page.get_by_text("0 courses are new or changed")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Export"))).to_have_count(0)
