"""Issue 20 in a real browser: the caseload page and staff administration.

- A therapist opens "Caseload" from the menu, sorts by a column (the button and the
  table's caption say how it is sorted) and filters to the patients with open alerts.
- A clinic manager invites a new therapist by e-mail; the invited person follows the
  e-mail's link and chooses a password.
- The manager gives a therapist a second role and a maximum caseload, then offboards a
  therapist who leaves: their session ends at once, and their patient shows as needing
  a new therapist in the team's caseload until the manager hands them over.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.models import ClinicRole, Episode, User
from tessera.core.roles import Role
from tests.conftest import make_clinic, make_patient, make_user
from tests.e2e.conftest import cookie_sign_in, staff_sign_in
from tests.inbox.inbox_world import full_patient, manual_programme

pytestmark = pytest.mark.e2e


@pytest.fixture
def team(transactional_db):
    region = actions.do_create_region(name="Caseload Region", country="SE")
    clinic = make_clinic(region, "riverside")
    staff = {}
    for kind, role in [
        ("manager", Role.CLINIC_MANAGER),
        ("therapist", Role.THERAPIST),
        ("colleague", Role.THERAPIST),
    ]:
        user = make_user(
            f"{kind}@riverside.test", second_factor=True, first_name=kind.title(), last_name="Lind"
        )
        actions.do_grant_role(user, clinic, role)
        staff[kind] = user
    return clinic, staff


def test_a_therapist_sorts_and_filters_the_caseload(page, team):
    clinic, staff = team
    programme = manual_programme(clinic.region, key="caseload")
    start = timezone.now() - dt.timedelta(days=30)
    _patient, busy, _answer = full_patient(
        None, staff["therapist"], programme, 1, start=start, clinic=clinic
    )
    _quiet_patient, quiet = make_patient(
        clinic, "quiet@riverside.test", therapist=staff["therapist"], first="Quinn", last="Able"
    )
    cookie_sign_in(page, staff["therapist"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Caseload").click()
    expect(page.get_by_role("heading", name="Caseload", level=1)).to_be_visible()
    table = page.locator("table.caseload")
    expect(table.locator("caption")).to_contain_text("sorted by Open alerts, descending")
    expect(table.locator("tbody tr").first).to_have_attribute("id", f"caseload-{busy.pk}")
    expect(table.locator(f"#caseload-{busy.pk} [data-change='deteriorated']")).to_contain_text(
        "reliable deterioration"
    )

    page.get_by_role("button", name="Patient: sort by this column").click()
    expect(table.locator("caption")).to_contain_text("sorted by Patient, ascending")
    expect(page.locator("th[aria-sort='ascending']")).to_contain_text("Patient")
    expect(table.locator("tbody tr").first).to_have_attribute("id", f"caseload-{quiet.pk}")
    page.get_by_role("button", name="Patient: sorted ascending; sort descending").click()
    expect(page.locator("th[aria-sort='descending']")).to_contain_text("Patient")

    page.get_by_label("Show").select_option("alerts")
    page.get_by_role("search").get_by_role("button", name="Show").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.locator(f"#caseload-{busy.pk}")).to_contain_text(re.compile(r"\d open alerts?"))
    assert "flag=alerts" in page.url


def test_a_manager_invites_grants_a_role_and_offboards_a_leaver(page, browser, live_server, team):
    clinic, staff = team
    patient, episode = make_patient(
        clinic, "pia@riverside.test", therapist=staff["therapist"], first="Pia", last="Moss"
    )
    mail.outbox.clear()
    # The leaving therapist is signed in on another computer.
    theirs = browser.new_page(base_url=live_server.url)
    staff_sign_in(theirs, staff["therapist"])
    theirs.goto("/caseload/")
    expect(theirs.get_by_role("heading", name="Caseload", level=1)).to_be_visible()

    staff_sign_in(page, staff["manager"])
    page.goto(f"/clinics/{clinic.slug}/")
    page.get_by_role("link", name="Invite staff, change roles, offboard a leaver").click()

    # invite
    page.get_by_label("E-mail address").fill("nora@riverside.test")
    page.get_by_label("First name").fill("Nora")
    page.get_by_label("Role").select_option("therapist")
    page.get_by_label("Maximum caseload").fill("30")
    page.get_by_role("button", name="Invite").click()
    expect(page.locator(".messages")).to_contain_text("nora@riverside.test was invited")
    expect(page.locator("table.staff")).to_contain_text("Invited, not yet signed in")
    (invitation,) = [m for m in mail.outbox if m.to == ["nora@riverside.test"]]
    link = re.search(r"https?://\S+(/accounts/password/reset/key/\S+)", invitation.body).group(1)
    invited = browser.new_page(base_url=live_server.url)
    invited.goto(link)
    invited.locator("#id_password1").fill("a long new password 2026")
    invited.locator("#id_password2").fill("a long new password 2026")
    invited.get_by_role("button", name="Save the new password").click()
    invited.wait_for_load_state()
    assert User.objects.get(email="nora@riverside.test").has_usable_password()

    # grant a role and set a caseload limit
    page.locator("table.staff").get_by_role("link", name=str(staff["colleague"])).click()
    page.get_by_label("Role to add").select_option("supervisor")
    page.get_by_role("button", name="Add the role").click()
    expect(page.locator("section[data-role='supervisor']")).to_be_visible()
    therapist_role = page.locator("section[data-role='therapist']")
    therapist_role.get_by_label("Maximum caseload").fill("25")
    therapist_role.get_by_role("button", name="Save Therapist").click()
    expect(
        page.locator("section[data-role='therapist']").get_by_label("Maximum caseload")
    ).to_have_value("25")
    assert ClinicRole.objects.get(user=staff["colleague"], role="therapist").max_caseload == 25

    # offboard the leaver
    page.goto(f"/clinics/{clinic.slug}/staff/{staff['therapist'].pk}/")
    page.get_by_role("link", name=f"Offboard {staff['therapist']}").click()
    expect(page.get_by_role("main")).to_contain_text("1 patient of theirs")
    page.get_by_role("button", name=f"Offboard {staff['therapist']}").click()
    expect(page.get_by_role("main")).to_contain_text("was offboarded")
    leavers = page.locator("#leavers")
    expect(leavers).to_contain_text("Pia Moss")

    # their session has ended
    theirs.goto("/caseload/")
    expect(theirs).to_have_url(re.compile(r"/accounts/login/"))

    # the team's caseload shows the patient as needing a new therapist
    page.goto("/caseload/?therapist=all&flag=new_therapist")
    expect(page.locator(f"#caseload-{episode.pk}")).to_contain_text("Needs a new therapist")

    # hand over
    page.goto(f"/clinics/{clinic.slug}/staff/")
    page.locator("#leavers").get_by_label("New therapist").select_option(str(staff["colleague"].pk))
    page.locator("#leavers").get_by_role("button", name="Hand over").click()
    expect(page.locator("#leavers")).to_have_count(0)
    assert Episode.objects.get(pk=episode.pk).therapist == staff["colleague"]
    theirs.close()
    invited.close()
