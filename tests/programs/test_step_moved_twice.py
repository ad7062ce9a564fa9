"""A step's "Move up" sent twice in a module draft (a double click, back and send again)
moved it twice: the form carries the digest of the steps' order it was drawn with, and
another order by the time it arrives changes nothing and says so."""

from __future__ import annotations

import re

MOVED_ALREADY = "Nothing was changed: the order is no longer the one this page showed"


def test_a_step_moved_twice_in_the_module_draft_moves_once(library, login):
    from django.urls import reverse

    from tessera.programs import actions

    client = login(library["author"])
    draft = library.module_draft
    for title in ("One", "Two", "Three"):
        actions.do_add_step(draft, acting_user=library["author"], kind="text", title=title)
    draft_url = reverse("library_module_draft", args=[library.module.pk])
    page = client.get(draft_url).content.decode()
    last = draft.steps.order_by("-position").first()
    action = reverse("library_step_move", args=[last.pk])
    start = page.index(f'action="{action}"')
    form = page[start : page.index("</form>", start)]
    data = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))
    assert data["direction"] == "up" and data["drawn_order"]

    def titles():
        return list(draft.steps.order_by("position").values_list("title", flat=True))

    client.post(action, data)
    moved = titles()
    again = client.post(action, data, follow=True)
    assert titles() == moved
    assert moved[-2:] == ["Three", "Two"]
    assert MOVED_ALREADY in " ".join(str(m) for m in again.context["messages"])
