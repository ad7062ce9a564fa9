"""A plan change sent twice (a double click, back and send again, a network retry): found
walking every page's forms, each sent twice with the same body. "Switch programme" to
the programme just switched to took out the modules it had just added and added them
again, a second "switched" line in the plan's history, the questionnaires scheduled
again; "Set date" with the date the module already has, and "Open now" for a module
opened a moment ago, each wrote a second line in the history. Now the second changes
nothing and says so, as a move sent twice does."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse

from tessera.treatment.models import PlanChange, PlanEntry


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def _sent_twice(client, url, body):
    first = client.post(url, body, follow=True)
    assert "The plan was changed." in _messages(first)
    entries = list(PlanEntry.objects.order_by("pk").values_list("pk", "removed_at"))
    changes = PlanChange.objects.count()
    again = client.post(url, body, follow=True)
    assert again.status_code == 200
    assert list(PlanEntry.objects.order_by("pk").values_list("pk", "removed_at")) == entries
    assert PlanChange.objects.count() == changes
    return _messages(again)


def test_switching_to_the_programme_just_switched_to_changes_nothing(world, plan, login):
    client = login(world["therapist"])
    url = reverse("plan_switch", args=[world.patient.pk])
    body = {"switch-programme_version": plan.panic.pk, "switch-reason": "Panic, not depression"}
    said = _sent_twice(client, url, body)
    assert "Nothing was changed: the plan already follows this programme." in said


def test_the_same_opening_date_set_twice_is_one_change(world, plan, login):
    client = login(world["therapist"])
    url = reverse("plan_entry", args=[world.patient.pk, plan.entry.pk, "unlock"])
    body = {"unlock_on": (dt.date.today() + dt.timedelta(days=7)).isoformat(), "reason": "Later"}
    said = _sent_twice(client, url, body)
    assert "Nothing was changed: the module already opens on that date." in said


def test_open_now_sent_twice_is_one_change(world, plan, login):
    client = login(world["therapist"])
    url = reverse("plan_entry", args=[world.patient.pk, plan.entry.pk, "open"])
    said = _sent_twice(client, url, {"reason": "Ready for it"})
    assert "Nothing was changed: the module is already open." in said


def test_a_switch_from_a_second_tab_opened_before_the_first_switch_is_refused(world, plan, login):
    """Two tabs on the plan, both drawn following "Depression": the first switched to
    "Panic"; the second, sent to another programme, took out the modules just added and
    switched again without a word. Now it is refused, says why, and the page puts back
    what was typed into it (decision 0100)."""
    client = login(world["therapist"])
    page = client.get(reverse("plan", args=[world.patient.pk])).content.decode()
    drawn = re.search(r'name="switch-drawn" value="(\d+)"', page)
    assert drawn and drawn.group(1) == str(plan.depression.pk)
    url = reverse("plan_switch", args=[world.patient.pk])
    tab = {"switch-drawn": drawn.group(1), "switch-reason": "Panic, not depression"}
    first = client.post(url, tab | {"switch-programme_version": plan.panic.pk}, follow=True)
    assert "The plan was changed." in _messages(first)
    entries = list(PlanEntry.objects.order_by("pk").values_list("pk", "removed_at"))
    changes = PlanChange.objects.count()
    other = tab | {"switch-programme_version": plan.depression.pk, "switch-reason": "Back"}
    refused = client.post(url, other)
    assert refused.status_code == 302
    assert refused.cookies["tessera_restore_typed"].value == "refused"
    said = _messages(client.get(refused["Location"]))
    assert "the plan was switched to another programme after this page was opened" in said
    assert list(PlanEntry.objects.order_by("pk").values_list("pk", "removed_at")) == entries
    assert PlanChange.objects.count() == changes
