"""The research coordinator pages through a study's "Everyone asked" (decision 0140):
the latest invitations first, one page at a time, "Next" and "Previous" in the pages'
navigation, on a phone without scrolling sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tessera.research import actions
from tessera.research.views import participants as participant_views
from tests.conftest import build_world, make_patient
from tests.e2e.conftest import cookie_sign_in
from tests.research.fixtures import build_study

pytestmark = pytest.mark.e2e

PER_PAGE = 4


def test_the_coordinator_pages_through_everyone_asked(phone_page, monkeypatch):
    monkeypatch.setattr(participant_views, "PARTICIPANTS_PER_PAGE", PER_PAGE)
    world = build_world()
    study = build_study(world)
    for n in range(2 * PER_PAGE + 1):
        _, episode = make_patient(
            world.clinic, f"asked{n}@alpha.test", first="Asked", last=f"Number{n:02d}"
        )
        actions.do_invite(study.study, episode, acting_user=study.coordinator)
    page = phone_page

    cookie_sign_in(page, study.coordinator, f"/research/{study.study.pk}/participants/")
    table = page.get_by_role("region", name="Table that scrolls sideways")
    expect(page.get_by_role("heading", name="Everyone asked")).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(PER_PAGE + 1)  # and the header
    expect(table.get_by_role("row").nth(1)).to_contain_text("Asked Number08")
    pages = page.get_by_role("navigation", name="Pages")
    expect(pages).to_contain_text("Page 1 of 3")

    pages.get_by_role("link", name="Next").click()
    expect(pages).to_contain_text("Page 2 of 3")
    expect(table.get_by_role("row").nth(1)).to_contain_text("Asked Number04")
    expect(table).not_to_contain_text("Asked Number08")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the page scrolls sideways at 320 px: {width}"

    pages.get_by_role("link", name="Next").click()
    expect(pages).to_contain_text("Page 3 of 3")
    expect(table.get_by_role("row")).to_have_count(2)
    expect(table).to_contain_text("Asked Number00")
    expect(pages.get_by_role("link", name="Next")).to_have_count(0)

    pages.get_by_role("link", name="Previous").click()
    expect(pages).to_contain_text("Page 2 of 3")
