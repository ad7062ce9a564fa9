"""The worklist: every kind of row, its order, counts, and whose patients are in it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tessera.inbox import items, scope, worklist
from tessera.inbox.scope import Choice
from tests.inbox.inbox_world import (
    full_patient,
    manual_programme,
    message,
    risk_alert,
    training,
)

pytestmark = pytest.mark.django_db

KIND_CODES = [kind for kind, _label in items.KINDS]


def own_inbox(user, now=None):
    return worklist.build(scope.caseload(user, Choice(user, team=False)), now)


@pytest.fixture
def programme(world):
    return manual_programme(world.region)


@pytest.fixture
def full(world, programme):
    start = timezone.now() - dt.timedelta(days=30)
    return full_patient(world, world["therapist"], programme, 1, start=start)


def test_a_patient_with_everything_gives_a_row_of_every_kind_in_order(world, full):
    patient, episode, answer = full
    work = own_inbox(world["therapist"])
    mine = [item for item in work.items if item.episode.pk == episode.pk]
    kinds = [item.kind for item in mine]
    assert set(kinds) == set(KIND_CODES)
    assert kinds == sorted(kinds, key=KIND_CODES.index)
    replies = [item for item in mine if item.kind == "reply"]
    # The worksheet was sent before the message: it comes first.
    assert replies[0].answer_id == answer.pk
    assert replies[0].href == f"/episodes/{episode.pk}/messages/?answer={answer.pk}"
    assert replies[1].href == f"/episodes/{episode.pk}/messages/"
    assert all(item.reason and item.href for item in mine)


def test_every_row_says_why_in_words(world, full):
    work = own_inbox(world["therapist"])
    reasons: dict[str, str] = {}
    for item in work.items:
        if item.episode.pk == full[1].pk:
            reasons.setdefault(item.kind, item.reason)  # the first of each kind
    assert reasons["risk"].startswith("High risk")
    assert "Getting started" in reasons["reply"]
    assert reasons["inactive"].startswith("No activity for 29 days (last sent a message on")
    assert "PHQ-9" in reasons["overdue"] or "GAD-7" in reasons["overdue"]
    assert "PHQ-9 rose from 0" in reasons["deterioration"] and "to 18" in reasons["deterioration"]
    assert "“Next steps” waits for you to open it" in reasons["unlock"]


def test_counts_cover_every_kind_and_filter_by_kind(world, full):
    work = own_inbox(world["therapist"])
    counts = {kind: count for kind, _label, count in work.counts}
    assert list(counts) == KIND_CODES
    assert counts["risk"] == 1 and counts["deterioration"] == 1 and counts["unlock"] == 1
    assert sum(counts.values()) == work.total
    assert {item.kind for item in work.of_kind("overdue")} == {"overdue"}


def test_risk_alerts_come_most_severe_then_oldest_first(world):
    now = timezone.now()
    moderate_old = risk_alert(world.episode, at=now - dt.timedelta(days=3), severity="moderate")
    high_new = risk_alert(world.episode, at=now - dt.timedelta(hours=1))
    high_old = risk_alert(world.episode, at=now - dt.timedelta(days=1))
    risk_alert(world.episode, at=now, resolved_at=now, action="phoned")  # resolved: not shown
    rows = own_inbox(world["therapist"]).of_kind("risk")
    assert [row.key for row in rows] == [
        f"risk-{high_old.pk}",
        f"risk-{high_new.pk}",
        f"risk-{moderate_old.pk}",
    ]


def test_replies_merge_worksheets_and_messages_oldest_first(world, programme):
    now = timezone.now()
    old = message(world.episode, at=now - dt.timedelta(days=2))
    message(world.episode, at=now - dt.timedelta(days=1))  # same conversation: one row
    answered = message(world.episode, at=now - dt.timedelta(days=5))
    answered.answered_at = now
    answered.save()
    _p, episode, answer = full_patient(
        world, world["therapist"], programme, 2, start=now - dt.timedelta(days=3)
    )
    rows = own_inbox(world["therapist"]).of_kind("reply")
    keys = [row.key for row in rows]
    assert keys.index(f"worksheet-{answer.pk}") < keys.index(f"message-{old.pk}")
    row = next(r for r in rows if r.key == f"message-{old.pk}")
    assert row.reason == "Sent 2 messages that wait for a reply"
    assert row.due is not None and row.due.text.startswith(("due in", "overdue by"))
    assert not any(r.key == f"message-{answered.pk}" for r in rows)


def test_a_worksheet_with_feedback_leaves_the_inbox(world, full):
    from tessera.inbox.actions import do_mark_worksheet_seen

    answer = full[2]
    do_mark_worksheet_seen(answer, acting_user=world["therapist"])
    keys = [row.key for row in own_inbox(world["therapist"]).items]
    assert f"worksheet-{answer.pk}" not in keys


def test_training_patients_are_left_out(world, full):
    training(full[0])
    work = own_inbox(world["therapist"])
    assert all(item.episode.pk != full[1].pk for item in work.items)


def test_other_therapists_patients_are_left_out(world, programme):
    start = timezone.now() - dt.timedelta(days=30)
    _p, theirs, _a = full_patient(world, world["colleague"], programme, 3, start=start)
    mine = own_inbox(world["therapist"])
    assert all(item.episode.pk != theirs.pk for item in mine.items)
    assert {item.episode.pk for item in own_inbox(world["colleague"]).items} == {theirs.pk}


def test_a_supervisor_sees_the_team_or_one_therapist(world, programme):
    start = timezone.now() - dt.timedelta(days=30)
    _p, mine, _a = full_patient(world, world["therapist"], programme, 4, start=start)
    _p, theirs, _a = full_patient(world, world["colleague"], programme, 5, start=start)
    supervisor = world["supervisor"]
    therapists = scope.team_therapists(supervisor)
    assert {world["therapist"], world["colleague"]} <= set(therapists)
    team = scope.choose(supervisor, "all", therapists)
    episodes = {i.episode.pk for i in worklist.build(scope.caseload(supervisor, team)).items}
    assert {mine.pk, theirs.pk} <= episodes
    one = scope.choose(supervisor, str(world["colleague"].pk), therapists)
    episodes = {i.episode.pk for i in worklist.build(scope.caseload(supervisor, one)).items}
    assert episodes == {theirs.pk}


def test_a_therapist_cannot_pick_someone_elses_inbox(world, programme):
    start = timezone.now() - dt.timedelta(days=30)
    _p, theirs, _a = full_patient(world, world["colleague"], programme, 6, start=start)
    therapist = world["therapist"]
    choice = scope.choose(therapist, str(world["colleague"].pk), scope.team_therapists(therapist))
    assert choice.therapist == therapist
    episodes = {i.episode.pk for i in worklist.build(scope.caseload(therapist, choice)).items}
    assert theirs.pk not in episodes


def test_an_active_patient_is_not_inactive(world):
    message(world.episode, at=timezone.now() - dt.timedelta(days=1))
    keys = [row.key for row in own_inbox(world["therapist"]).of_kind("inactive")]
    assert f"inactive-{world.episode.pk}" not in keys


def test_inactivity_counts_from_the_start_of_treatment(world):
    later = timezone.now() + dt.timedelta(days=8)
    rows = own_inbox(world["therapist"], now=later).of_kind("inactive")
    row = next(r for r in rows if r.episode.pk == world.episode.pk)
    # The world's patient filled in GAD-7 when treatment started: that is the last activity.
    assert row.reason.startswith("No activity for 8 days (last filled in a questionnaire")


def test_no_deterioration_without_a_reliable_rise(world, programme):
    _p, episode, _a = full_patient(
        world, world["therapist"], programme, 7, start=timezone.now() - dt.timedelta(days=30)
    )
    from tessera.treatment.models import Response

    Response.objects.filter(episode=episode, total=18).update(total=5)  # 0 -> 5: < 6 points
    rows = own_inbox(world["therapist"]).of_kind("deterioration")
    assert all(row.episode.pk != episode.pk for row in rows)


def test_a_module_with_an_opening_date_does_not_wait_for_the_therapist(world, full):
    from tessera.treatment.models import PlanEntry

    episode = full[1]
    PlanEntry.objects.filter(episode=episode, position=2).update(
        unlock_on=timezone.localdate() + dt.timedelta(days=3)
    )
    rows = own_inbox(world["therapist"]).of_kind("unlock")
    assert all(row.episode.pk != episode.pk for row in rows)
