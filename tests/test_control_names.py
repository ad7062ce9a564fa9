"""Every page of the access matrix, as the first kind of user who may open it (and as the
therapist and the patient too where they may): no link or button named only by a generic word
("View", "Open", "Edit", "Remove"...), and no name used by two links or buttons that do
different things on one page (WCAG 2.4.4, 2.4.6, 2.4.9's aim; decision 0125). A screen
reader's list of links or buttons shows names alone: "Remove, Remove, Remove" does not
say which. A visually hidden part of the text (class="visually-hidden") says what the
context shows, and the visible text stays the name's start (2.5.3).

The earlier walk of the demo (decision 0122) checked link texts that say nothing; this
holds it for buttons too, for repeated names, and on every page, in the suite."""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.urls import reverse

from tests.access_rows.base import KINDS
from tests.control_names import controls
from tests.test_access_matrix import MATRIX, become, matrix_world  # noqa: F401 - a fixture

# Names that say an action or "more" without saying of what (English, the tests' language).
GENERIC = {
    "view", "open", "edit", "remove", "delete", "show", "more", "manage", "activate",
    "deactivate", "generate", "download", "details", "here", "click here", "read more",
    "change", "go", "select", "link", "see", "update", "cancel this", "this",
}  # fmt: skip

# allauth's pages a user can reach are Tessera's (templates/account, templates/mfa;
# decisions 0125, 0128): none is let off, "Activate" under "Activate Authenticator App"
# included. An exemption would name the page and the generic word it may use.
ALLAUTH_IN_CONTEXT: dict[str, set[str]] = {}

PAGES = sorted(name for name, row in MATRIX.items() if row.method == "get")


def _viewers(row) -> list[str]:
    """The first kind who may open the page, and the therapist and the patient if they
    may (a therapist sees the most controls: a plan's changes, a session's record)."""
    ok = [kind for kind in KINDS if row.expect.get(kind) == "ok"]
    return sorted({*ok[:1], *(k for k in ("therapist", "patient") if k in ok)}, key=KINDS.index)


def problems(html: str, in_context: frozenset = frozenset()) -> list[str]:
    found = controls(html)
    generic = GENERIC - in_context
    said = [f"{c.kind} {c.name!r} -> {c.target}" for c in found if c.name.lower() in generic]
    targets = defaultdict(set)
    for c in found:
        targets[c.name.lower()].add(c.target)
    said += [
        f"{len(where)} controls named {name!r} do different things: {sorted(where)[:3]}"
        for name, where in targets.items()
        if len(where) > 1
    ]
    return said


def test_it_finds_generic_and_repeated_names():
    page = """<a href="/a/1/">View</a>
    <form method="post" action="/r/1/">
      <button>Remove <span class="visually-hidden">Ann</span></button></form>
    <form method="post" action="/r/2/">
      <button>Remove <span class="visually-hidden">Bo</span></button></form>
    <a href="/p/1/">Plan</a><a href="/p/2/">Plan</a><a href="/h/">Home</a><a href="/h/">Home</a>"""
    assert problems(page) == [
        "link 'View' -> /a/1/",
        "2 controls named 'plan' do different things: ['/p/1/', '/p/2/']",
    ]


@pytest.mark.parametrize("name", PAGES)
def test_controls_say_what_they_do(name, matrix_world, client):  # noqa: F811
    world = matrix_world
    row = MATRIX[name]
    found = []
    for kind in _viewers(row):
        url = reverse(name, kwargs=row.kwargs(world))
        become(client, world, kind)
        response = client.get(url, row.data)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode() if not response.streaming else ""
        allowed = frozenset(ALLAUTH_IN_CONTEXT.get(name, ()))
        found += [f"{kind} {url}: {p}" for p in problems(body, allowed)]
    assert not found, "\n".join(found)


def test_the_consultations_status_filter_says_of_what():
    """The ended consultations' list links to the open ones, a page the matrix (no
    ?status) never shows."""
    from django.template.loader import render_to_string

    html = render_to_string("consultation/_status_filter.html", {"status": "ended"})
    assert controls(html) and not problems(html)


# The lists where staff meet patients by name (decision 0128) that the namesake below
# enters, each opened by the kinds of the main test. The other lists (outcomes of ended
# courses, supervision, a leaver's patients, the intake queues) take the same filter
# (tests/core/test_namesakes.py reads it).
NAMESAKE_PAGES = [
    "patient_list", "caseload", "home", "inbox", "risk_alerts",
]  # fmt: skip


@pytest.fixture
def namesake(matrix_world):  # noqa: F811
    """A second Pia Larsson in the world's clinic and the same therapist's caseload: her
    course started (measures due) and a risk concern raised, as the first one's."""
    from tessera.safety.actions import do_raise_concern
    from tessera.treatment import actions as treatment
    from tests.conftest import make_patient

    world = matrix_world
    twin, episode = make_patient(
        world.clinic,
        "pia.two@alpha.test",
        therapist=world["therapist"],
        first="Pia",
        last="Larsson",
    )
    treatment.do_start_treatment(episode, acting_user=world["therapist"])
    do_raise_concern(episode, acting_user=world["therapist"], concern="twin", severity="high")
    return twin


@pytest.mark.parametrize("name", NAMESAKE_PAGES)
def test_namesakes_are_told_apart(name, matrix_world, namesake, client):  # noqa: F811
    """Two patients named alike in one list: their links would share a name and lead to
    two records, and a click on the wrong one is a clinical error."""
    world = matrix_world
    row = MATRIX[name]
    found = []
    shown = 0
    for kind in _viewers(row):
        become(client, world, kind)
        response = client.get(reverse(name, kwargs=row.kwargs(world)), row.data)
        if response.status_code != 200:
            continue
        body = response.content.decode()
        shown += body.count("Larsson")
        found += [f"{kind}: {p}" for p in problems(body)]
    assert not found, "\n".join(found)
    assert shown, f"{name} shows neither Pia Larsson"
