"""axe-core on the main pages of every role, at 1280, 640 and 320 px (which pages at which
width: below), in every interface language; and no English left on a page in another
language (issue 17).

axe-core is vendored as a test asset (tests/e2e/vendor/axe-core/, MPL-2.0, decision
0021) and run in the page through Playwright (``page.evaluate``, which the site's
Content-Security-Policy does not apply to). A test fails on any violation of the WCAG
2.0/2.1/2.2 A and AA rules axe checks, and on a page wider than the window (reflow,
1.4.10, which axe does not check).

The main pages of a role are every entry of its menu (computed by the menu's own code,
``portal.navigation``, so a new menu entry is checked without touching this file) and
the pages it works in most behind them (a patient's overview and plan, a module, a study,
its CONSORT diagram, a participant). Roles: the visitor, the patient, every clinic role
(intake coordinator, therapist, assessor, supervisor, manager, content author,
researcher as investigator), the study roles (research coordinator, blinded outcome
assessor) and the region administrator. A page that several roles reach through the
same menu entry is checked once per language, as the first of them (the patient list,
say, is one template for every clinical role); each role's home page always.

Widths (decision 0034): every page, in every language, is checked for reflow at the
three widths (the page is no wider than the window) and by axe at 1280 px. axe runs at
640 and 320 px too only on a representative page of each kind of template (the sign-in
form, the public clinic page, the patient's, a therapist's and the region
administrator's home, a list, a record, a module being read, a diagram, a settings
page: ``EVERY_WIDTH``); every other page gets axe at 320 px in one language, each
page in a different one in turn, so each page is still checked narrow and each language
narrow on a share of the pages. What axe checks does not change with the width except
through the layout (a menu folded away, a target made smaller), which these kinds of
page show; the reflow check, which does, stays at every width.

Cost: each page is loaded once per language and checked at the widths by resizing the
window (CSS reflows on resize; nothing on these pages lays out by script). One test per
language and role (decision 0071), so the suite's workers share them out evenly instead
of one worker being left with a language's two-minute walk at the end of a run; the
people are built once per test process and their committed database copied back for
each test (tests/demo_snapshot.py).

English leftovers: on a page in sv, nb, da or nl every rendered text node, accessible
name (aria-label), button value, placeholder and image text is collected, leaving out
text inside an element whose ``lang`` says it is in another language (fallback content,
marked as WCAG 3.1.2 asks). It fails on a word that only English has ("the", "your",
"you", ...) or on any translated English catalogue message of three words or more
found verbatim. People sign in by session cookie (the sign-in pages themselves are
checked signed out).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
import uuid
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone

from tessera.core.languages import LANGUAGE_SESSION_KEY
from tessera.core.models import Patient, User
from tessera.portal.navigation import navigation
from tests.conftest import build_world
from tests.conftest import sign_in as session_sign_in
from tests.demo_snapshot import DatabaseCopy, kept_for_the_day
from tests.e2e.conftest import DESKTOP, fail_on_browser_problems, logged, new_context

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
WIDTHS = (1280, 640, 320)
NARROW = WIDTHS[-1]
# The representative page of each kind of template, checked by axe at every width in
# every language (decision 0034): (role, URL name), "" the visitor.
EVERY_WIDTH = {
    ("", "account_login"),
    ("", "intake_clinic"),
    ("patient", "home"),
    ("patient", "module_reader"),
    ("therapist", "home"),
    ("intake", "patient_list"),
    ("therapist", "patient_detail"),
    ("manager", "clinic_detail"),
    ("researcher", "study_consort"),
    ("region_admin", "home"),
}
LANGUAGES = [code for code, _name in settings.LANGUAGES]
# The roles whose pages are walked, in this order ("" the visitor): a page several roles
# reach is checked as the first of them.
ROLES = ["", "patient", "intake", "therapist", "assessor", "supervisor", "manager"]
ROLES += ["author", "researcher", "coordinator", "blinded_assessor", "region_admin"]

# (The document's title is left out: it names the content, a module's title say, and a
# title cannot mark the language of a part.)
# Words of English that none of sv, nb, da or nl has (so never a false alarm on a
# correct translation); names and data in the test world contain none of them.
ENGLISH_ONLY = {
    "the", "your", "you", "with", "this", "please", "which", "been", "should", "there",
    "their", "what", "when", "would", "could", "about", "and", "are", "has", "will",
    "from", "yet", "who", "how", "why", "our", "into", "these", "those", "shows",
}  # fmt: skip
WORD = re.compile(r"[A-Za-z]+")

VISIBLE_TEXT_JS = """(pageLang) => {
    const foreign = (el) => {
        const marked = el.closest('[lang]');
        return marked !== null && marked.lang !== pageLang;
    };
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
        const text = node.textContent.trim();
        const el = node.parentElement;
        if (!text || el.closest('script, style, noscript, template')) continue;
        if (!el.getClientRects().length || foreign(el)) continue;
        out.push(text);
    }
    const named = '[aria-label], input[type=submit][value], input[type=button][value], '
        + '[placeholder], img[alt]';
    for (const el of document.querySelectorAll(named)) {
        if (foreign(el)) continue;
        for (const a of ['aria-label', 'value', 'placeholder', 'alt']) {
            if (a === 'value' && el.tagName !== 'INPUT') continue;
            const v = el.getAttribute(a);
            if (v && v.trim()) out.push(v.trim());
        }
    }
    return out;
}"""


AXE_RUN_JS = """async (tags) => {
    if (typeof window.axe !== 'object') return null;
    const result = await axe.run(document, {
        runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
    });
    return result.violations.map(v => ({
        id: v.id, impact: v.impact,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
    }));
}"""


def _violations(page) -> list[str]:
    # One round trip: axe is normally in the page already (the walk's init script).
    found = page.evaluate(AXE_RUN_JS, TAGS)
    if found is None:
        page.evaluate(AXE.read_text(encoding="utf-8"))
        found = page.evaluate(AXE_RUN_JS, TAGS)
    return [f"{v['id']} ({v['impact']}): {', '.join(v['nodes'])}" for v in found]


@functools.cache
def _english_messages(language: str) -> list[str]:
    """The catalogue's English messages of three words or more that the language
    translates differently (without placeholders, so they would show verbatim)."""
    path = settings.LOCALE_PATHS[0] / language / "LC_MESSAGES" / "django.po"
    return sorted(
        {
            entry.msgid
            for entry in polib.pofile(str(path))
            if entry.msgstr
            and entry.msgstr != entry.msgid
            and len(entry.msgid.split()) >= 3
            and "%" not in entry.msgid
            and "{" not in entry.msgid
            and "<" not in entry.msgid
        }
    )


def _english_left(texts: list[str], messages: list[str]) -> list[str]:
    found = []
    for text in texts:
        words = {w.lower() for w in WORD.findall(text)}
        if words & ENGLISH_ONLY:
            found.append(f"{text[:80]!r} (English words: {sorted(words & ENGLISH_ONLY)})")
    joined = "\n".join(texts)
    found += [f"{m[:80]!r} (an English message)" for m in messages if m in joined]
    return found


class _People:
    """The people of this test process, built once, and their database as built."""

    world = None
    database = DatabaseCopy()


@pytest.fixture
def people(transactional_db, flushable_audit_trail):
    """The test world (tests/conftest.build_world) committed, with a plan for the
    patient and a running study she has consented to, so the live server shows every
    role's pages with something on them. Built by the first test of a process that asks
    (again on a new day: the world's dates count from today); each later test gets the
    same committed rows back from a copy (decision 0071) and its own copy of the
    objects."""
    built = kept_for_the_day(_People.database, _build_people_and_pages)
    if built is not None:
        _People.world = built
    return copy.deepcopy(_People.world)


def _build_people_and_pages():
    world = _build_people()
    world.pages = _pages(world)
    return world


@pytest.fixture(scope="module")
def _walk_tab(browser, live_server):
    """One browser tab for the whole walk in this process: a new context for each of its
    tests would start Chromium's processes for it again (decision 0071). axe is given to
    the context once and runs in each page as it opens, instead of sending its 650 kB
    source through Playwright for every page of the walk."""
    context = new_context(browser, live_server, DESKTOP)
    context.add_init_script(path=AXE)
    yield context.new_page()
    context.close()


@pytest.fixture
def walk_page(_walk_tab, transactional_db, browser_log):
    """The walk's tab for one test, which fails on what the browser reported meanwhile
    (as the ``page`` fixture does). It stays on the test's last page until the next
    test's first ``goto``, as it did between two roles when a language was one test:
    nothing on these pages runs by itself within minutes (the idle warning's timer), and
    a blank page in between would cost Chromium another run of axe's init script."""
    stop = logged(_walk_tab, browser_log)
    try:
        yield _walk_tab
    finally:
        stop()
    fail_on_browser_problems(browser_log)


def _build_people():
    from tessera.programs import actions as library
    from tessera.research import actions as research
    from tests.plan_fixtures import build_plan
    from tests.research.fixtures import build_study, new_participant

    world = build_world()
    build_plan(world)
    # A programme draft, for the page of its patient text in other languages.
    library.do_new_programme_draft(world.plan.depression.programme, acting_user=world["author"])
    study = build_study(world)
    participant = research.do_invite(study.study, world.episode, acting_user=study.coordinator)
    # She has consented (her plan stays the one above); another patient is randomised.
    research.do_give_consent(participant, study.consent_en, acting_user=world.patient.user)
    world.participant = new_participant(world, 1)
    world.users["coordinator"] = study.coordinator
    world.users["blinded_assessor"] = study.assessor
    _therapist_left(world)
    return world


def _therapist_left(world) -> None:
    """A colleague who has left (decision 0096): the patient's coming session booked with
    them is to be booked again (home, My sessions), the staff page lists it under
    "Booked sessions that need a new therapist", and the team's inbox marks their
    patient's message "Has left"."""
    from tessera.appointments.actions import do_book_appointment
    from tessera.core.actions import do_grant_role, do_offboard_staff
    from tessera.core.roles import Role
    from tessera.messaging.actions import do_send_message
    from tests.conftest import make_patient, make_user

    leaver = make_user("leaver@alpha.test", first_name="Lena")
    do_grant_role(leaver, world.clinic, Role.THERAPIST, acting_user=world["manager"])
    do_book_appointment(
        world.episode,
        acting_user=leaver,
        therapist=leaver,
        kind="video",
        starts_at=timezone.now() + dt.timedelta(days=2),
        video_link="https://video.example/room-lena",
    )
    patient, episode = make_patient(
        world.clinic, "greta@alpha.test", therapist=leaver, first="Greta"
    )
    do_send_message(episode, acting_user=patient.user, body="Hej?", submission_key=uuid.uuid4())
    do_offboard_staff(leaver, acting_user=world["manager"], clinics=[world.clinic])


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


def _menu(user: User) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    return [str(href) for href, _label in navigation(request)["nav"]]


def _pages(world) -> dict[str, list[str]]:
    """Each role's main pages: its menu, and the pages behind it it works in most."""
    patient_pk = world.patient.pk
    study_pk = world.research.study.pk
    participant = reverse("participant_detail", args=[world.participant.pk])
    behind = {
        "": [
            reverse("home"),
            reverse("intake_clinic", args=[world.clinic.slug]),
            reverse("account_login"),
        ],
        "patient": [
            reverse("module_reader", args=[world.plan.entry.pk]) + "?step=2",
            reverse("my_studies"),
            reverse("my_sessions"),
        ],
        "therapist": [
            reverse("patient_detail", args=[patient_pk]),
            reverse("plan", args=[patient_pk]),
        ],
        "manager": [
            reverse("clinic_detail", args=[world.clinic.slug]),
            reverse("clinic_staff", args=[world.clinic.slug]),
            # A person's leave and who covers (decision 0146).
            reverse("staff_leave", args=[world.clinic.slug, world["therapist"].pk]),
            reverse("inbox") + "?therapist=all",
        ],
        "author": [
            # The module page with "Add translation" and "Link existing module".
            reverse("library_module", args=[world.plan.activity.module_id]),
            reverse("library_programme_translation", args=[world.plan.depression.programme_id]),
        ],
        "researcher": [
            reverse("study_detail", args=[study_pk]),
            reverse("study_consort", args=[study_pk]),
            reverse("study_export", args=[study_pk]),
        ],
        "coordinator": [reverse("study_participants", args=[study_pk]), participant],
        "blinded_assessor": [participant],
    }
    seen: set[str] = set()
    pages = {}
    for role in ROLES:
        own = _menu(world[role]) if role else []
        paths = [reverse("home")] if role else []
        paths += [p for p in own + behind.get(role, []) if p not in seen and p not in paths]
        seen.update(paths)
        pages[role] = paths
    return pages


def _kind(role: str, path: str) -> tuple[str, str]:
    return (role, resolve(path.split("?")[0]).url_name)


def _axe_widths(role: str, path: str, index: int, language: str) -> tuple[int, ...]:
    """The widths axe runs at for the index-th page of the walk (decision 0034): every
    width for a representative page, else 1280 px, and 320 px in one language, each page
    in the next language in turn."""
    if _kind(role, path) in EVERY_WIDTH:
        return WIDTHS
    if LANGUAGES[index % len(LANGUAGES)] == language:
        return (WIDTHS[0], NARROW)
    return (WIDTHS[0],)


def _check(page, context, world, live_server, language: str, role: str) -> list[str]:
    """The problems on one role's main pages in one language."""
    problems = []
    messages = _english_messages(language) if language != "en" else []
    pages = world.pages
    # The page's place in the whole walk (all roles), which picks the language of its
    # narrow axe run, whichever role's test walks it.
    first = sum(len(pages[r]) for r in ROLES[: ROLES.index(role)])
    # The browser's language is the page's: a visitor's decides (a signed-in person's
    # session says it again).
    context.set_extra_http_headers({"Accept-Language": language})
    if role:
        _as(context, world[role], live_server, language)
    else:
        context.clear_cookies()
    for index, path in enumerate(pages[role], start=first):
        axe_widths = _axe_widths(role, path, index, language)
        page.set_viewport_size({"width": WIDTHS[0], "height": 800})
        response = page.goto(path)
        assert response is not None and response.status == 200, (role, path)
        who = role or "visitor"
        lang = page.evaluate("() => document.documentElement.lang")
        if lang != language:
            problems.append(f"{who} {path}: the page is in {lang!r}, not {language!r}")
        if messages:
            texts = page.evaluate(VISIBLE_TEXT_JS, language)
            problems += [f"{who} {path} [{language}]: {e}" for e in _english_left(texts, messages)]
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            where = f"{who} {path} @{width}px [{language}]"
            if width in axe_widths:
                problems += [f"{where}: {v}" for v in _violations(page)]
            # Reflow (1.4.10): nothing makes the page itself scroll sideways.
            scroll = page.evaluate("() => document.documentElement.scrollWidth")
            if scroll > width:
                problems.append(f"{where}: the page is {scroll} px wide")
            if width == NARROW:
                problems += [f"{where}: {cover}" for cover in _covers(page)]
    return problems


# Focus Not Obscured (2.4.11, new in WCAG 2.2): a focused control must not be hidden
# under something the page keeps in place while it scrolls. Tessera has nothing fixed or
# sticky (decision 0143 tabbed through the pages to show it); each page of the walk is
# checked for such an element at the narrowest width, where a header would cover most,
# so one added later fails here instead of hiding the focus on a phone. An open modal
# <dialog> holds the focus itself and is left out.
COVERS_JS = """() => [...document.querySelectorAll('body *')].filter(e => {
  const position = getComputedStyle(e).position;
  return (position === 'fixed' || position === 'sticky') && e.tagName !== 'DIALOG'
    && !e.closest('dialog[open]') && e.getClientRects().length > 0;
}).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : ''))"""


def _covers(page) -> list[str]:
    """What the page keeps fixed or sticky on the screen (2.4.11), each named."""
    return [f"{name} is fixed or sticky (2.4.11)" for name in page.evaluate(COVERS_JS)]


@pytest.mark.parametrize(
    ("language", "role"),
    [
        pytest.param(lang, role, id=f"{lang}-{role or 'visitor'}")
        for lang in LANGUAGES
        for role in ROLES
    ],
)
def test_every_roles_main_pages_at_every_width_in_every_language(
    walk_page, people, live_server, language, role
):
    # The patient's stored language is the page's (it sets the interface at sign-in).
    Patient.objects.filter(pk=people.patient.pk).update(preferred_language=language)
    problems = _check(walk_page, walk_page.context, people, live_server, language, role)
    assert not problems, "\n".join(problems)


def test_the_walk_has_every_kind_of_page_checked_at_every_width(people):
    # The walk's tests use the pages as computed when the people were built.
    assert people.pages == _pages(people)
    walked = {_kind(role, path) for role, paths in people.pages.items() for path in paths}
    missing = sorted(EVERY_WIDTH - walked)
    assert not missing, f"pages of EVERY_WIDTH not in the walk: {missing}"
    assert all(people.pages.values()), "a role with no page to check"


def test_the_runner_finds_a_violation_when_there_is_one(page):
    # The runner itself is checked: an image without a text alternative is found. (The
    # sign-in page needs nobody, so the walk's people are not built for it.)
    page.goto(reverse("account_login"))
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')"
    )
    assert any(v.startswith("image-alt (critical)") for v in _violations(page))
    # And a header kept on the screen, which could hide the focused control (2.4.11);
    # set through the CSSOM, which the Content-Security-Policy allows.
    assert _covers(page) == []
    page.evaluate(
        "() => { const bar = document.createElement('div'); bar.id = 'bar';"
        " bar.textContent = 'Bar'; bar.style.position = 'sticky';"
        " document.querySelector('main').prepend(bar); }"
    )
    assert _covers(page) == ["div#bar is fixed or sticky (2.4.11)"]


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
