"""A worksheet open in two tabs (decision 0161): a save drawn before the other tab's
save is refused with a word, and what was typed is kept; a tab's own autosaves, each
drawn from its last, are never refused. Before, the last save won without a word."""

from __future__ import annotations

import re

from django.urls import reverse

from tessera.treatment.models import WorksheetAnswer

CHANGED = "These answers were changed in another window after you opened this one"


def _drawn(client, entry) -> str:
    """The ``drawn`` the worksheet's page is drawn with."""
    page = client.get(reverse("module_reader", args=[entry.pk]) + "?step=2").content.decode()
    return re.search(r'name="drawn" value="(\d*)"', page).group(1)


def _autosave(client, entry, text, drawn):
    url = reverse("worksheet_save", args=[entry.pk, 2])
    return client.post(url, {"situation": text, "drawn": drawn}, HTTP_X_AUTOSAVE="1")


def test_a_tabs_own_autosaves_pass_and_the_other_tabs_older_save_is_refused(world, plan, login):
    client = login(world["patient"])
    first = _drawn(client, plan.entry)  # tab A
    second = _drawn(client, plan.entry)  # tab B, opened before anything was saved
    assert first == second == ""
    # Tab A saves as the patient types, each save drawn from the last.
    drawn = first
    for text in ("I", "I walked", "I walked to the shop"):
        response = _autosave(client, plan.entry, text, drawn)
        assert response.status_code == 200, response.content
        drawn = response.json()["drawn"]
    # Tab B, drawn before A's saves: refused, A's answers kept.
    refused = _autosave(client, plan.entry, "Something else", second)
    assert refused.status_code == 409
    assert CHANGED in refused.json()["error"]
    assert WorksheetAnswer.objects.get(entry=plan.entry).values["situation"] == (
        "I walked to the shop"
    )
    # The same words sent again from B (they match what is saved) are no conflict.
    assert _autosave(client, plan.entry, "I walked to the shop", second).status_code == 200


def test_the_save_button_of_an_older_page_is_refused_and_shows_the_text_back(world, plan, login):
    client = login(world["patient"])
    older = _drawn(client, plan.entry)
    newer = _drawn(client, plan.entry)
    _autosave(client, plan.entry, "From the other window", newer)
    url = reverse("worksheet_save", args=[plan.entry.pk, 2])
    response = client.post(url, {"situation": "Typed here", "drawn": older})
    assert response.status_code == 409
    text = response.content.decode()
    assert CHANGED in text and "Typed here" in text
    assert WorksheetAnswer.objects.get(entry=plan.entry).values["situation"] == (
        "From the other window"
    )
    # Sent from the older page: refused the same way, nothing sent.
    sent = client.post(url, {"situation": "Typed here", "drawn": older, "send": "1"})
    assert sent.status_code == 409
    assert WorksheetAnswer.objects.get(entry=plan.entry).submitted_at is None


def test_a_page_drawn_before_this_change_is_not_checked(world, plan, login):
    client = login(world["patient"])
    _autosave(client, plan.entry, "First", "")
    url = reverse("worksheet_save", args=[plan.entry.pk, 2])
    response = client.post(url, {"situation": "No drawn"}, HTTP_X_AUTOSAVE="1")
    assert response.status_code == 200
