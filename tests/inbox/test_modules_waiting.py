"""Modules waiting to be opened, read by the plan entries' clinic range (treatment 0019,
decision 0064): which plans wait, in a therapist's and a team's inbox, after the
episode's clinic changes, and one query with the index that serves it on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone, translation

from tessera.core.models import Episode
from tessera.inbox import collect, scope, worklist
from tessera.inbox.scope import Choice
from tessera.treatment.models import PlanEntry
from tests.inbox.inbox_world import full_patient, manual_programme, training

pytestmark = pytest.mark.django_db


@pytest.fixture
def full(world):
    programme = manual_programme(world.region)
    start = timezone.now() - dt.timedelta(days=30)
    return full_patient(world, world["therapist"], programme, 1, start=start)


def waiting(user, *, team):
    choice = Choice(None if team else user, team=team)
    rows = worklist.build(scope.caseload(user, choice)).of_kind("unlock")
    return {row.episode.pk for row in rows}


def counted(user, *, team):
    choice = Choice(None if team else user, team=team)
    return worklist.tally(scope.caseload(user, choice)).tally["unlock"]


def test_a_finished_plan_waits_in_the_therapists_and_the_teams_inbox(world, full):
    episode = full[1]
    assert episode.pk in waiting(world["therapist"], team=False)
    assert episode.pk in waiting(world["manager"], team=True)
    assert counted(world["manager"], team=True) == len(waiting(world["manager"], team=True))
    assert PlanEntry.objects.filter(episode=episode).values_list("clinic", flat=True).distinct()[
        0
    ] == (world.clinic.pk)


def test_an_opened_module_does_not_wait(world, full):
    episode = full[1]
    PlanEntry.objects.filter(episode=episode, position=2).update(unlocked_at=timezone.now())
    assert episode.pk not in waiting(world["therapist"], team=False)
    assert episode.pk not in waiting(world["manager"], team=True)


def test_an_ended_episode_does_not_wait(world, full):
    episode = full[1]
    Episode.objects.filter(pk=episode.pk).update(status=Episode.Status.ENDED)
    assert episode.pk not in waiting(world["manager"], team=True)
    assert counted(world["manager"], team=True) == 0


def test_a_patient_moved_to_another_clinic_waits_there(world, full):
    episode = full[1]
    Episode.objects.filter(pk=episode.pk).update(
        clinic=world.other_clinic, therapist=world["other_therapist"]
    )
    assert set(PlanEntry.objects.filter(episode=episode).values_list("clinic", flat=True)) == {
        world.other_clinic.pk
    }
    assert episode.pk not in waiting(world["manager"], team=True)
    assert episode.pk in waiting(world["other_manager"], team=True)
    assert episode.pk in waiting(world["other_therapist"], team=False)


def test_a_training_patient_does_not_wait_in_the_team_inbox(world, full):
    patient, episode, _answer = full
    training(patient)
    assert episode.pk not in waiting(world["manager"], team=True)


def test_the_waiting_modules_title_is_marked_with_its_language_on_a_page_in_another(world, full):
    """WCAG 3.1.2: the inbox's "“…” waits for you to open it" names the module in its own
    language; on a Swedish page an English title is read with the English voice."""

    def reason(language):
        choice = Choice(world["therapist"], team=False)
        rows = worklist.build(scope.caseload(world["therapist"], choice)).of_kind("unlock")
        with translation.override(language):
            return [str(r.reason) for r in rows if r.episode.pk == full[1].pk][0]

    assert "<span" not in reason("en")
    swedish = reason("sv")
    assert '<span lang="en">Next steps</span>' in swedish
    assert "väntar på" in swedish


def test_the_plan_entries_are_one_query_for_any_caseload(world, full, django_assert_num_queries):
    caseload = worklist.read_caseload(Episode.objects.filter(pk=full[1].pk))
    with django_assert_num_queries(1):
        assert len(collect.modules_to_open(caseload, timezone.now())) == 1
    more = worklist.read_caseload(Episode.objects.filter(clinic=world.clinic))
    with django_assert_num_queries(1):
        assert len(collect.modules_to_open(more, timezone.now())) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_the_plan_entries_are_a_range_of_their_clinics_index(world, full):
    from tests.core.test_scale import explain

    caseload = worklist.read_caseload(Episode.objects.filter(clinic=world.clinic))
    sql, params = collect.plan_entries(caseload).query.sql_with_params()
    plan = explain(sql, params, only={"treatment_planentry": {"plan_current_by_clinic"}})
    assert "plan_current_by_clinic" in plan
    assert "treatment_episode" not in plan  # the episodes' state is the caseload's


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_a_therapists_plan_entries_read_the_clinics_range_not_one_descent_per_episode(world, full):
    """The caseload's episodes only filter the clinic's range (decision 0069): they are
    no key of an index, so neither ``plan_current_by_clinic`` nor the episode's own
    index is descended once per episode (the therapist's query grew 18 → 74 pages)."""
    from tests.core.test_scale import explain

    caseload = worklist.read_caseload(Episode.objects.filter(therapist=world["therapist"]))
    sql, params = collect.plan_entries(caseload).query.sql_with_params()
    plan = explain(
        sql,
        params,
        only={"treatment_planentry": {"plan_current_by_clinic", "treatment_p_episode_a83378_idx"}},
    )
    assert "plan_current_by_clinic" in plan
    assert "treatment_p_episode_a83378_idx" not in plan
    conds = [line for line in plan.splitlines() if "Index Cond" in line]
    assert any("clinic_id = ANY" in line for line in conds)
    assert not any("episode_id" in line for line in conds)


def test_no_plan_entry_is_read_when_no_programme_opens_modules_by_hand(
    world, full, django_assert_num_queries
):
    """The programme's unlock rule comes with the caseload's episodes
    (``collect.UNLOCK_RULE``): a caseload whose programmes open modules by themselves
    reads no plan entry (issue 16)."""
    episode = full[1]
    version = Episode.objects.select_related("programme_version").get(pk=episode.pk)
    version = version.programme_version
    assert version is not None and version.unlock_rule == "manual"
    type(version).objects.filter(pk=version.pk).update(unlock_rule="weekly")
    for caseload in (
        worklist.read_caseload(Episode.objects.filter(pk=episode.pk)),
        worklist.counted_caseload(Episode.objects.filter(pk=episode.pk)),
        collect.loaded([episode.pk]),
    ):
        assert caseload[episode.pk].programme_unlock_rule == "weekly"
        with django_assert_num_queries(0):
            assert collect.count_modules_to_open(caseload, timezone.now()) == 0
    with django_assert_num_queries(0):
        assert collect.modules_to_open(caseload, timezone.now()) == []
