""" "Add the step" sent twice in the browser adds one step (decision 0070).

Aino, a content author, double-clicks "Add the step" in a module's draft, then goes back
to the draft page and sends the same step again: the draft has one step, and the page
says it was already added.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tessera.core import actions as core
from tessera.core.roles import Role
from tessera.programs import actions
from tessera.programs.models import Step
from tests.conftest import make_user
from tests.e2e.conftest import cookie_sign_in, wait_for_scripts

pytestmark = pytest.mark.e2e


@pytest.fixture
def author(e2e_world):
    user = make_user("author@alpha.test", second_factor=True, first_name="Aino")
    core.do_grant_role(user, e2e_world.clinic, Role.CONTENT_AUTHOR)
    return user


def _fill(page, title: str = "Breathe slowly") -> None:
    page.locator("#id_step-kind").select_option("text")
    page.locator("#id_step-title").fill(title)


# The form's first send, whose answer the browser never shows (a timeout, a lost
# connection): the same body, the same key, before the author sends it again.
SEND_FIRST = """() => {
  const form = document.querySelector("input[name=which][value=step]").form;
  return fetch(location.href, {method: "POST", body: new FormData(form)}).then(r => r.ok);
}"""


def test_add_the_step_double_clicked_and_sent_again_adds_one_step(page, e2e_world, author):
    module = actions.do_create_module(
        e2e_world.clinic.region, acting_user=author, key="calm-1", title="Calm"
    )
    draft = module.versions.get()
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    cookie_sign_in(page, author)
    draft_url = f"/library/modules/{module.pk}/draft/"
    page.goto(draft_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Draft: Calm")

    _fill(page)
    posts.clear()
    page.get_by_role("button", name="Add the step").dblclick()
    wait_for_scripts(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("Step|Draft"))
    assert posts, "the form was sent"
    assert Step.objects.filter(module_version=draft).count() == 1

    # Back to the draft page the browser still has, and the same step sent again.
    page.goto(draft_url)
    _fill(page)
    _sent_again(page, steps=1)
    assert Step.objects.filter(module_version=draft).count() == 1

    # Another step, its first send lost and the form sent again (the same key).
    _fill(page, "Hold the breath")
    assert page.evaluate(SEND_FIRST)
    _sent_again(page, steps=2)
    assert Step.objects.filter(module_version=draft, title="Hold the breath").count() == 1


def _sent_again(page, *, steps: int) -> None:
    """ "Add the step" sent again: the author is told, and the draft shows ``steps``."""
    page.get_by_role("button", name="Add the step").click()
    wait_for_scripts(page)
    expect(
        page.get_by_text("This step was already added. Nothing was added twice.")
    ).to_be_visible()
    expect(page.get_by_role("main").locator(".step-list > li")).to_have_count(steps)
