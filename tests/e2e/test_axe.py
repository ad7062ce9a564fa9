"""axe-core on the main pages of every role, at 1280, 640 and 320 px (issue 17).

axe-core is vendored as a test asset (tests/e2e/vendor/axe-core/, MPL-2.0, decision
0021) and run in the page through Playwright (``page.evaluate``, which the site's
Content-Security-Policy does not apply to). A test fails on any violation of the WCAG
2.0/2.1/2.2 A and AA rules axe checks, and on a page wider than the window (reflow,
1.4.10, which axe does not check).

The set of pages is curated to keep the suite's cost modest: each role's home and the
pages it works in most, once per width in English, and the patient's pages at 320 px in
each of the other interface languages. People sign in by session cookie (the sign-in
pages themselves are checked signed out).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tessera.core.languages import LANGUAGE_SESSION_KEY
from tessera.core.models import Patient
from tests.conftest import build_world
from tests.conftest import sign_in as session_sign_in

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
WIDTHS = (1280, 640, 320)


def _violations(page) -> list[str]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
            });
            return result.violations.map(v => ({
                id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
            }));
        }""",
        TAGS,
    )
    return [f"{v['id']} ({v['impact']}): {', '.join(v['nodes'])}" for v in found]


@pytest.fixture
def people(transactional_db):
    """The test world (tests/conftest.build_world) committed, with a plan for the
    patient, so the live server sees every role's pages with something on them."""
    from tessera.programs import actions as library
    from tests.plan_fixtures import build_plan

    world = build_world()
    build_plan(world)
    # A programme draft, for the page of its patient text in other languages.
    library.do_new_programme_draft(world.plan.depression.programme, acting_user=world["author"])
    return world


def _as(context, user, live_server, language: str | None = None) -> None:
    client = Client()
    session_sign_in(client, user)
    if language:
        session = client.session
        session[LANGUAGE_SESSION_KEY] = language
        session.save()
    context.clear_cookies()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _pages(world) -> dict[str, list[str]]:
    patient_pk = world.patient.pk
    return {
        "": [
            reverse("home"),
            reverse("intake_clinic", args=[world.clinic.slug]),
            reverse("account_login"),
        ],
        "patient": [
            reverse("home"),
            reverse("my_plan"),
            reverse("module_reader", args=[world.plan.entry.pk]) + "?step=2",
            reverse("my_questionnaires"),
            reverse("my_details"),
        ],
        "therapist": [
            reverse("home"),
            reverse("patient_list"),
            reverse("patient_detail", args=[patient_pk]),
            reverse("plan", args=[patient_pk]),
        ],
        "intake": [reverse("intake_queue")],
        "manager": [
            reverse("clinic_detail", args=[world.clinic.slug]),
            reverse("audit_search"),
        ],
        "author": [
            reverse("library_index"),
            # The module page with "Add translation" and "Link existing module".
            reverse("library_module", args=[world.plan.activity.module_id]),
            reverse("library_programme_translation", args=[world.plan.depression.programme_id]),
        ],
        "region_admin": [reverse("clinic_list")],
    }


def _check(page, context, world, live_server, width: int, language=None, roles=None):
    page.set_viewport_size({"width": width, "height": 800})
    problems = []
    for role, paths in _pages(world).items():
        if roles is not None and role not in roles:
            continue
        if role:
            _as(context, world[role], live_server, language)
        else:
            context.clear_cookies()  # a visitor: the browser's language decides
            context.set_extra_http_headers({"Accept-Language": language or "en"})
        for path in paths:
            response = page.goto(path)
            assert response is not None and response.status == 200, (role, path)
            where = f"{role or 'visitor'} {path} @{width}px"
            problems += [f"{where}: {v}" for v in _violations(page)]
            # Reflow (1.4.10): nothing makes the page itself scroll sideways.
            scroll = page.evaluate("() => document.documentElement.scrollWidth")
            if scroll > width:
                problems.append(f"{where}: the page is {scroll} px wide")
    return problems


@pytest.mark.parametrize("width", WIDTHS)
def test_no_wcag_aa_violations_on_the_main_pages_of_every_role(page, people, live_server, width):
    problems = _check(page, page.context, people, live_server, width)
    assert not problems, "\n".join(problems)


def test_no_wcag_aa_violations_on_the_patients_pages_in_every_language(page, people, live_server):
    problems = []
    for language in ("sv", "nb", "da", "nl"):
        Patient.objects.filter(pk=people.patient.pk).update(preferred_language=language)
        problems += _check(
            page, page.context, people, live_server, 320, language, roles={"", "patient"}
        )
    assert not problems, "\n".join(problems)


def test_the_runner_finds_a_violation_when_there_is_one(page, people):
    # The runner itself is checked: an image without a text alternative is found.
    page.goto(reverse("account_login"))
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')"
    )
    assert any(v.startswith("image-alt (critical)") for v in _violations(page))


def test_the_values_worksheet_and_the_phone_menu_fit_a_phone(page, transactional_db, live_server):
    # The sample programme's values worksheet (a table in a fieldset) used to make the
    # page 541 px wide at 320 px; the patient's menu used to take 255 of 640 px.
    from tessera.programs.management.commands.load_sample_content import sample_directories
    from tessera.programs.packages import do_import_package, zip_directory
    from tessera.treatment.actions import plans as plan_actions

    world = build_world()
    (folder,) = [f for f in sample_directories() if f.name == "depression-ba"]
    imported = do_import_package(
        zip_directory(folder), region=world.region, acting_user=world["author"]
    )
    plan_actions.do_seed_plan(
        world.episode, imported.programme_version, acting_user=world["therapist"]
    )
    entry = world.episode.plan.get(module_version__module__key="ba-3-values-and-activities")
    plan_actions.do_open_module_now(entry, acting_user=world["therapist"])
    _as(page.context, world["patient"], live_server)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(reverse("module_reader", args=[entry.pk]) + "?step=3")
    assert page.locator("main fieldset").count() > 0
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    header = page.evaluate("() => document.querySelector('header').getBoundingClientRect().height")
    assert header <= 640 / 4
    assert not _violations(page)
