""" "Add the step" sent twice adds one step (decision 0070): the same key again (a double
click, a retry), or back and send again with a fresh page while the step added is still
blank. The repeat writes and audits nothing and the author is told so."""

from __future__ import annotations

import uuid

import pytest
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation

from tessera.core.models import AuditEvent
from tessera.programs import actions
from tessera.programs.models import Module, Programme, Step

ALREADY = "This step was already added. Nothing was added twice."


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _add(client, draft_url, key, title="Breathe", kind="text"):
    body = {"which": "step", "step-kind": kind, "step-title": title}
    if key is not None:
        body["step-submission_key"] = str(key)
    return client.post(draft_url, body, follow=True)


def _added(draft) -> int:
    return AuditEvent.objects.filter(
        action="module.step_added", object_id=str(draft.steps.order_by("-position")[0].pk)
    ).count()


@pytest.mark.parametrize("fresh_key", [False, True], ids=["same key", "back, fresh page"])
def test_add_the_step_sent_twice_makes_one_step(library, login, fresh_key):
    client = login(library["author"])
    draft = library.module_draft
    draft_url = reverse("library_module_draft", args=[library.module.pk])
    before = draft.steps.count()
    key = uuid.uuid4()
    first = _add(client, draft_url, key)
    assert ALREADY not in _messages(first)
    second = _add(client, draft_url, uuid.uuid4() if fresh_key else key)
    assert second.status_code == 200
    assert draft.steps.count() == before + 1
    assert draft.steps.filter(title="Breathe").count() == 1
    assert _added(draft) == 1
    assert second.redirect_chain[-1][0] == draft_url
    assert ALREADY in _messages(second)
    assert second.content.decode().count("Breathe") >= 1


def test_another_step_or_a_filled_in_one_is_a_new_step(library, login):
    client = login(library["author"])
    draft = library.module_draft
    draft_url = reverse("library_module_draft", args=[library.module.pk])
    before = draft.steps.count()
    _add(client, draft_url, uuid.uuid4())
    _add(client, draft_url, uuid.uuid4(), title="Breathe again")
    assert draft.steps.count() == before + 2
    step = draft.steps.get(title="Breathe again")
    actions.do_update_step(step, acting_user=library["author"], body="In, out.")
    response = _add(client, draft_url, uuid.uuid4(), title="Breathe again")
    assert ALREADY not in _messages(response)
    assert draft.steps.filter(title="Breathe again").count() == 2


def test_a_page_without_a_key_still_adds_the_step(library, login):
    client = login(library["author"])
    draft = library.module_draft
    draft_url = reverse("library_module_draft", args=[library.module.pk])
    before = draft.steps.count()
    _add(client, draft_url, None)
    assert draft.steps.count() == before + 1


def test_a_key_of_another_draft_is_refused(library, login):
    client = login(library["author"])
    key = uuid.uuid4()
    actions.do_add_step(
        library.draft_only.versions.get(),
        acting_user=library["author"],
        kind="text",
        title="Elsewhere",
        submission_key=key,
    )
    draft = library.module_draft
    before = draft.steps.count()
    response = _add(client, reverse("library_module_draft", args=[library.module.pk]), key)
    assert draft.steps.count() == before
    assert "This form was already sent" in response.content.decode()
    assert Step.objects.filter(submission_key=key).count() == 1


@pytest.mark.parametrize("language", ["sv", "nb", "da", "nl"])
def test_the_message_is_translated(language):
    with translation.override(language):
        assert translation.gettext(ALREADY) != ALREADY


# --- the rest of the library's create forms ------------------------------------------------
# A module or programme is refused with a message when its key is taken: sent twice, one
# row and the message. Sent twice at the same instant, the second passes the check before
# the first commits and meets its row at the insert: it gets the same message, not an
# error page. The race is made by letting the checks miss, as they would have.

CREATE_FORMS = {
    "module": (
        "library_module_new",
        Module,
        {"key": "calm", "title": "Calm", "language": "en", "estimated_minutes": "15"},
        "A module with this key already exists in this region.",
    ),
    "programme": (
        "library_programme_new",
        Programme,
        {"key": "calm", "title": "Calm", "problem_area": "panic", "languages": ["en"]},
        "A programme with this key already exists in this region.",
    ),
}


def _checks_miss(monkeypatch, model) -> list:
    """The key's checks (the action's and ``full_clean``'s) find nothing, as in a race."""
    exists = QuerySet.exists
    missed = []

    def patched(self):
        if self.model is model:
            missed.append(True)
            return False
        return exists(self)

    monkeypatch.setattr(QuerySet, "exists", patched)
    return missed


@pytest.mark.parametrize("race", [False, True], ids=["one after the other", "same instant"])
@pytest.mark.parametrize("name", sorted(CREATE_FORMS))
def test_a_module_or_programme_sent_twice_makes_one(world, login, monkeypatch, name, race):
    url_name, model, data, message = CREATE_FORMS[name]
    client = login(world["author"])
    first = client.post(reverse(url_name), data)
    assert first.status_code == 302
    events = AuditEvent.objects.count()
    missed = _checks_miss(monkeypatch, model) if race else []
    again = client.post(reverse(url_name), data)
    assert again.status_code == 200
    assert message in again.content.decode()
    assert model.objects.filter(key="calm").count() == 1
    assert AuditEvent.objects.count() == events
    assert bool(missed) == race
