"""Found at the edges (the demo's plan, the module library, asking a colleague):

- "Move up"/"Move down" sent twice (a double click, back and send again, a tab left open
  while the move was made in another) moved twice: the form said where the module was
  not where it goes. It now carries the digest of the order it was drawn with; another
  order by the time it arrives changes nothing and says so. The same for the plan's
  numbered order and the steps of a module draft.
- A change to a patient's plan, or a question to a colleague, sent from a page left open
  while the patient was discharged: a Page not found with a message about something
  removed, the typed question lost. Now the plan change goes to the episode's page
  saying the treatment has ended; the question is shown back, to copy (409).
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tessera.consultation.models import ConsultationRequest
from tessera.core.models import Episode, Patient, User
from tessera.treatment.ending import close_episode
from tessera.treatment.models import PlanChange, PlanEntry
from tests.conftest import sign_in

MOVED_ALREADY = "Nothing was changed: the order is no longer the one this page showed"
PLAN_ENDED = "Nothing was changed: the treatment has ended, so the plan can no longer be changed."


@pytest.fixture
def demo(seeded_demo):
    pass


def _therapist() -> Client:
    client = Client()
    sign_in(client, User.objects.get(email="therapist@demo.tessera.test"))
    return client


def _patient_and_episode():
    patient = Patient.objects.get(user__email="patient@demo.tessera.test")
    return patient, Episode.objects.filter(patient=patient).exclude(status="ended").get()


def _order(episode) -> list[int]:
    return list(
        PlanEntry.objects.filter(episode=episode, removed_at__isnull=True)
        .order_by("position", "id")
        .values_list("pk", flat=True)
    )


def _form(page: str, action: str) -> dict:
    start = page.index(f'action="{action}"')
    form = page[start : page.index("</form>", start)]
    data = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))
    data["reason"] = "Sooner"
    return data


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.mark.parametrize("operation", ["up", "down"])
def test_a_move_sent_twice_moves_once_and_says_so(demo, operation):
    client = _therapist()
    patient, episode = _patient_and_episode()
    plan_url = f"/patients/{patient.pk}/plan/"
    page = client.get(plan_url).content.decode()
    entry = _order(episode)[2 if operation == "up" else 1]
    action = f"/patients/{patient.pk}/plan/{entry}/{operation}/"
    data = _form(page, action)
    before = _order(episode)
    first = client.post(action, data, follow=True)
    assert "The plan was changed." in _messages(first)
    moved = _order(episode)
    assert moved != before
    changes = PlanChange.objects.filter(episode=episode).count()
    again = client.post(action, data, follow=True)  # the same form: double click, resend
    assert again.redirect_chain[-1][0] == plan_url
    assert MOVED_ALREADY in _messages(again)
    assert _order(episode) == moved
    assert PlanChange.objects.filter(episode=episode).count() == changes
    # A form drawn afresh moves again: the check is the order, not the button.
    fresh = _form(client.get(plan_url).content.decode(), action)
    client.post(action, fresh)
    assert _order(episode) != moved


def test_the_numbered_order_drawn_before_a_move_changes_nothing(demo):
    client = _therapist()
    patient, episode = _patient_and_episode()
    plan_url = f"/patients/{patient.pk}/plan/"
    page = client.get(plan_url).content.decode()
    order_action = f"/patients/{patient.pk}/plan/order/"
    numbers = _form(page, order_action)
    first, second = _order(episode)[:2]
    numbers[f"position-{first}"], numbers[f"position-{second}"] = "2", "1"
    up = f"/patients/{patient.pk}/plan/{_order(episode)[2]}/up/"
    client.post(up, _form(page, up))  # another move meanwhile (another tab)
    after_move = _order(episode)
    stale = client.post(order_action, numbers, follow=True)
    assert MOVED_ALREADY in _messages(stale)
    assert _order(episode) == after_move


def _discharged(episode):
    close_episode(
        episode,
        acting_user=User.objects.get(email="therapist@demo.tessera.test"),
        reason="completed",
        note="",
    )


def test_plan_changes_sent_after_the_end_go_to_the_episode_with_a_word(demo):
    client = _therapist()
    patient, episode = _patient_and_episode()
    plan_url = f"/patients/{patient.pk}/plan/"
    page = client.get(plan_url).content.decode()
    actions = sorted(set(re.findall(rf'action="(/patients/{patient.pk}/plan/[^"]+)"', page)))
    forms = [(action, _form(page, action)) for action in actions]
    assert len(forms) > 5  # moves, dates, removals, add, switch, the order
    _discharged(episode)
    changes = PlanChange.objects.filter(episode=episode).count()
    before = _order(episode)
    for action, data in forms:
        response = client.post(action, data, HTTP_REFERER=f"http://testserver{plan_url}")
        assert response.status_code == 302, action
        assert response["Location"] == f"/episodes/{episode.pk}/", action
        shown = client.get(response["Location"])
        assert shown.status_code == 200
        assert PLAN_ENDED in _messages(shown), action
    assert PlanChange.objects.filter(episode=episode).count() == changes
    assert _order(episode) == before


def test_a_question_to_a_colleague_sent_after_the_end_is_shown_back(demo):
    client = _therapist()
    _, episode = _patient_and_episode()
    url = f"/consultations/ask/{episode.pk}/"
    page = client.get(url).content.decode()
    start = page.index('<form method="post" novalidate>')
    data = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', page[start:]))
    colleague = re.search(r'<option value="(\d+)"', page[start:]).group(1)
    data |= {"to": colleague, "question": "Is <this> & that a relapse?", "hours": "24"}
    _discharged(episode)
    before = ConsultationRequest.objects.count()
    response = client.post(url, data, HTTP_REFERER=f"http://testserver{url}")
    assert response.status_code == 409
    body = response.content.decode()
    assert "The treatment has ended, so no colleague can be asked about it any more." in body
    assert "Is &lt;this&gt; &amp; that a relapse?" in body
    assert ConsultationRequest.objects.count() == before


def test_the_plan_page_reloaded_after_the_end_shows_the_episode_with_a_word(demo):
    """The plan page (or a bookmark to it) opened again after the discharge: it was a
    Page not found; now the episode's page, whose plan section shows the plan read-only."""
    client = _therapist()
    patient, episode = _patient_and_episode()
    plan_url = f"/patients/{patient.pk}/plan/"
    assert client.get(plan_url).status_code == 200
    _discharged(episode)
    changes = PlanChange.objects.filter(episode=episode).count()
    response = client.get(plan_url)
    assert response.status_code == 302
    assert response["Location"] == f"/episodes/{episode.pk}/#plan"
    shown = client.get(f"/episodes/{episode.pk}/")
    assert "This treatment has ended, so its plan can no longer be changed. It is shown here." in (
        _messages(shown)
    )
    assert 'id="plan"' in shown.content.decode()
    assert PlanChange.objects.filter(episode=episode).count() == changes


def test_the_plan_page_of_a_patient_never_seen_stays_not_found(demo):
    """The redirect above is only for a patient the user may see: another clinic's
    patient (ended or not) is still a Page not found, as before."""
    client = Client()
    sign_in(client, User.objects.get(email="harbour.therapist@demo.tessera.test"))
    patient, episode = _patient_and_episode()
    _discharged(episode)
    assert client.get(f"/patients/{patient.pk}/plan/").status_code == 404


def test_the_ask_page_reloaded_after_the_end_says_why_nobody_can_be_asked(demo):
    client = _therapist()
    _, episode = _patient_and_episode()
    url = f"/consultations/ask/{episode.pk}/"
    assert client.get(url).status_code == 200
    _discharged(episode)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "The treatment has ended, so no colleague can be asked about it any more." in body
    assert "Your question was not sent." not in body  # nothing was sent from this page
    assert '<form method="post" novalidate>' not in body
    assert f'href="/episodes/{episode.pk}/"' in body
