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
from tests.e2e.conftest import cookie_sign_in, current_totp_code, sign_in

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
    cookie_sign_in(page, author.email)
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


def test_an_author_adds_a_danish_translation_that_a_danish_patients_new_plan_gets(
    page, author, e2e_world
):
    """Issue 17: "Add translation" starts a Danish draft copying the module; the author
    translates and publishes it; a Danish patient's plan, seeded after, pins it and the
    patient reads it in Danish."""
    from tessera.treatment.actions import plans as plan_actions
    from tests.plan_fixtures import _module, _programme

    region = e2e_world.clinic.region
    activity = _module(region, "activity", "Activity and mood")
    programme = _programme(region, "depression", "Depression", [activity])

    cookie_sign_in(page, author.email, f"/library/modules/{activity.module_id}/")
    expect(page.get_by_role("main")).to_contain_text("English: this module")
    page.get_by_label("Language of the translation").select_option("da")
    page.get_by_role("button", name="Add translation").click()
    expect(page.get_by_role("status")).to_contain_text("A draft translation was started")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Draft: Activity and mood (version 1)"
    )
    expect(page.get_by_role("main")).to_contain_text("A translation of the module “activity”")

    # Translate the title and the step, then publish.
    page.locator("#id_meta-title").fill("Aktivitet og humør")
    page.get_by_role("region", name="About this module").get_by_role(
        "button", name="Save", exact=True
    ).click()
    expect(page.get_by_role("status")).to_contain_text("The draft was saved.")
    page.get_by_role("link", name="Read").click()
    page.get_by_label("Title").fill("Læs")
    page.get_by_label("Text (markdown)").fill("Om **aktivitet og humør**.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("The step was saved.")
    page.get_by_role("link", name="Aktivitet og humør").first.click()
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.get_by_role("status")).to_contain_text("Version 1 was published.")
    danish = Module.objects.get(translation_of=activity.module)
    assert danish.versions.get().status == Status.PUBLISHED

    # The original's page now lists it; a Danish patient's new plan gets it.
    page.goto(f"/library/modules/{activity.module_id}/")
    expect(page.get_by_role("link", name="Aktivitet og humør")).to_have_attribute("lang", "da")
    patient = e2e_world.patient
    actions.do_set_language(patient.user, "da", acting_user=patient.user)
    patient.refresh_from_db()
    episode = patient.episodes.get()
    plan_actions.do_seed_plan(episode, programme, acting_user=e2e_world.therapist)
    assert episode.plan.get().module_version.module == danish

    page.context.clear_cookies()
    cookie_sign_in(page, patient.user.email)
    expect(page.locator("html")).to_have_attribute("lang", "da")
    page.goto("/me/modules/")
    expect(page.get_by_role("main")).to_contain_text("Aktivitet og humør")
