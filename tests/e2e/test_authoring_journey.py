"""A content author signs in with an authenticator code, writes a module with a text step
and a worksheet, previews it as a patient would see it on a phone, publishes it, and
publishes a programme with it."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tessera.core import actions
from tessera.core.roles import Role
from tessera.programs.models import Module, Programme, Status
from tests.conftest import TOTP_SECRET, make_user
from tests.e2e.conftest import current_totp_code, sign_in

FIELDS = [
    {"key": "activity", "label": "What will you do?", "type": "text", "required": True},
    {"key": "mood", "label": "Mood afterwards", "type": "scale_0_10"},
]


@pytest.fixture
def author(e2e_world):
    user = make_user("author@alpha.test", second_factor=True, first_name="Aino")
    actions.do_grant_role(user, e2e_world.clinic, Role.CONTENT_AUTHOR)
    return user


def _sign_in_with_code(page, email: str) -> None:
    sign_in(page, email)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    page.get_by_label(re.compile("code", re.I)).fill(current_totp_code(TOTP_SECRET))
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))


def _add_step(page, kind: str, title: str) -> None:
    page.locator("#id_step-kind").select_option(kind)
    page.locator("#id_step-title").fill(title)
    page.get_by_role("button", name="Add the step").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Step")


def test_an_author_writes_previews_and_publishes_a_module_and_a_programme(page, author):
    _sign_in_with_code(page, author.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Library").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Module library")

    # A module, with a text step and a worksheet.
    page.get_by_role("link", name="New module").click()
    page.get_by_label("Key").fill("ba-1-activity")
    page.get_by_label("Title").fill("Activity and mood")
    page.get_by_label("Minutes to work through").fill("20")
    page.get_by_role("button", name="Create the module").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Draft: Activity and mood (version 1)"
    )

    _add_step(page, "text", "Why doing helps")
    page.get_by_label("Text (markdown)").fill("When mood is low, **doing** comes first.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("The step was saved.")

    _add_step(page, "worksheet", "Plan an activity")
    fields = page.get_by_label("Fields to fill in (JSON)")
    fields.fill('[{"key": "activity", "label": "What?", "type": "text",}]')
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_text("This is not valid JSON")).to_be_visible()
    expect(fields).to_have_value('[{"key": "activity", "label": "What?", "type": "text",}]')
    fields.fill(json.dumps(FIELDS))
    page.get_by_label("Text (markdown)").fill("Pick one thing for tomorrow.")
    page.get_by_role("button", name="Save and preview").click()

    # The preview: one step at a time, in a column as narrow as a phone.
    expect(page.get_by_role("heading", name="Plan an activity")).to_be_visible()
    expect(page.get_by_label("What will you do?")).to_be_disabled()
    expect(page.get_by_label(re.compile("Mood afterwards"))).to_be_disabled()
    box = page.locator(".phone-preview").bounding_box()
    assert box is not None and box["width"] <= 360
    page.get_by_role("link", name="Previous part").click()
    expect(page.locator(".phone-preview strong")).to_have_text("doing")

    page.get_by_role("link", name="Activity and mood").first.click()
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.get_by_role("status")).to_contain_text("Version 1 was published.")
    module = Module.objects.get(key="ba-1-activity")
    assert module.versions.get().status == Status.PUBLISHED

    # A programme with it.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Library").click()
    page.get_by_role("link", name="New programme").click()
    page.get_by_label("Key").fill("depression-ba")
    page.get_by_label("Title").fill("Depression: behavioural activation")
    page.get_by_label("Problem area").select_option("depression")
    page.get_by_label("English").check()
    page.get_by_role("button", name="Create the programme").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Draft: Depression")

    page.get_by_label("Length in weeks").fill("8")
    page.get_by_label("Lowest age").fill("18")
    page.locator("#id_measure-0-instrument").select_option("PHQ-9")
    page.locator("#id_measure-0-time_point").select_option("weekly")
    page.get_by_label("Description for patients (markdown)").fill("Eight weeks of *doing*.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("The draft was saved.")

    page.get_by_role("link", name="Choose its modules").click()
    page.get_by_role("checkbox", name=re.compile("^Activity and mood")).check()
    page.get_by_label("Position of Activity and mood").fill("1")
    page.get_by_role("button", name="Save the modules").click()
    expect(page.get_by_role("status")).to_contain_text("The programme's modules were saved.")

    page.get_by_role("button", name="Publish version 1").click()
    expect(page.get_by_role("status")).to_contain_text("Version 1 was published.")
    expect(page.get_by_role("main").get_by_text("PHQ-9 (weekly)")).to_be_visible()
    programme = Programme.objects.get(key="depression-ba")
    version = programme.versions.get()
    assert version.status == Status.PUBLISHED
    assert list(version.entries.values_list("module_version__module__key", flat=True)) == [
        "ba-1-activity"
    ]


def test_the_authoring_pages_fit_a_phone_and_label_every_field(phone_page, author):
    from tessera.programs import actions as library
    from tests.e2e.test_layout import UNLABELLED_FIELDS_JS

    module = library.do_create_module(
        author.clinic_roles.get().clinic.region, acting_user=author, key="m", title="Module"
    )
    v1 = module.versions.get()
    library.do_add_step(v1, acting_user=author, kind="text", title="Read", body="A *long* text.")
    library.do_add_step(v1, acting_user=author, kind="worksheet", title="Write", fields=FIELDS)
    library.do_publish_module(v1, acting_user=author)
    v2 = library.do_new_module_draft(module, acting_user=author)
    programme = library.do_create_programme(
        module.region, acting_user=author, key="p", title="Programme", problem_area="other"
    )
    worksheet = v2.steps.get(kind="worksheet")
    pages = [
        "/library/",
        f"/library/modules/{module.pk}/",
        f"/library/modules/{module.pk}/draft/",
        f"/library/steps/{worksheet.pk}/edit/",
        f"/library/module-versions/{v2.pk}/preview/",
        f"/library/programmes/{programme.pk}/draft/",
        f"/library/programmes/{programme.pk}/modules/",
    ]
    page = phone_page
    _sign_in_with_code(page, author.email)
    for path in pages:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_attached()
        widths = page.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth, "
            "client: document.documentElement.clientWidth})"
        )
        wide = page.evaluate(
            "() => [...document.querySelectorAll('body *')]"
            ".filter(e => e.getBoundingClientRect().right > 321)"
            ".map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right)"
            ".slice(0, 8)"
        )
        assert widths["scroll"] <= 320, f"{path} scrolls sideways at 320 px: {widths} {wide}"
        assert page.evaluate(UNLABELLED_FIELDS_JS) == [], path
