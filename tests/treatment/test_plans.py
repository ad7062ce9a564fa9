"""Tailoring a plan: every change is recorded with why, and no patient work is lost."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tessera.core.models import AuditEvent
from tessera.treatment import plans
from tessera.treatment.actions import plans as plan_actions
from tessera.treatment.models import PlanChange, PlanEntry, WorksheetAnswer


def current_modules(episode):
    return [e.module_version.module.key for e in episode.plan.current().order_by("position")]


def test_seeding_copies_the_programme_in_order(world, plan):
    assert current_modules(world.episode) == ["activity", "values"]
    assert PlanChange.objects.get(episode=world.episode).kind == "seeded"


def test_adding_a_module_from_another_programme_for_a_comorbid_patient(world, plan):
    plan_actions.do_add_module(
        world.episode, plan.exposure, acting_user=world["therapist"], reason="panic attacks too"
    )
    assert current_modules(world.episode) == ["activity", "values", "exposure"]
    change = PlanChange.objects.filter(kind="added").get()
    assert (change.actor, change.reason) == (world["therapist"], "panic attacks too")
    assert AuditEvent.objects.filter(action="plan.added", patient=world.patient).exists()
    with pytest.raises(ValidationError):
        plan_actions.do_add_module(world.episode, plan.exposure, acting_user=world["therapist"])


def test_moving_and_removing_keep_the_work(world, plan):
    WorksheetAnswer.objects.create(
        entry=plan.entry, step=plan.activity.steps.last(), values={"a": 1}
    )
    values_entry = world.episode.plan.get(module_version=plan.values)
    plan_actions.do_move_module(values_entry, -1, acting_user=world["therapist"], reason="first")
    assert current_modules(world.episode) == ["values", "activity"]
    plan_actions.do_remove_module(plan.entry, acting_user=world["therapist"], reason="not now")
    assert current_modules(world.episode) == ["values"]
    assert WorksheetAnswer.objects.filter(entry=plan.entry).exists()
    assert PlanChange.objects.get(kind="removed").details["had_work"] is True


def test_switching_programme_keeps_completed_and_started_modules(world, plan):
    plan_actions.do_complete_module(plan.entry, acting_user=world.patient.user)
    plan_actions.do_switch_programme(
        world.episode, plan.panic, acting_user=world["therapist"], reason="PTSD, not depression"
    )
    # activity (completed) stays; values (not started) came from the old programme but is
    # also in the new one, so it comes back from the new; exposure is added.
    assert current_modules(world.episode) == ["activity", "exposure", "values"]
    assert PlanEntry.objects.get(pk=plan.entry.pk).completed_at is not None
    world.episode.refresh_from_db()
    assert world.episode.programme_version == plan.panic
    change = PlanChange.objects.get(kind="switched")
    assert change.details == {
        "before": "depression",
        "after": "panic",
        "kept": 1,
        "added": 2,
        "measures_scheduled": 0,
        "measures_cancelled": 0,
    }


def test_unlock_rules():
    start = dt.date(2026, 3, 2)

    def entries(n):
        return [PlanEntry(position=i + 1) for i in range(n)]

    weekly = plans.states(entries(3), unlock_rule="weekly", started_on=start, today=start)
    assert [s.is_open for s in weekly] == [True, False, False]
    assert weekly[2].opens_on == dt.date(2026, 3, 16)
    manual = plans.states(entries(2), unlock_rule="manual", started_on=start, today=start)
    assert [s.is_open for s in manual] == [False, False]
    chain = entries(2)
    after = plans.states(chain, unlock_rule="after_previous", started_on=start, today=start)
    assert [s.is_open for s in after] == [True, False]


def test_the_therapist_tailors_through_the_page_and_sees_the_history(world, plan, login):
    client = login(world["therapist"])
    url = reverse("plan_add", args=[world.patient.pk])
    response = client.post(
        url, {"add-module_version": plan.worry.pk, "add-reason": "worries a lot"}
    )
    assert response.status_code == 302
    page = client.get(reverse("plan", args=[world.patient.pk])).content.decode()
    assert "Worry time" in page and "worries a lot" in page
    assert AuditEvent.objects.filter(action="plan.viewed", patient=world.patient).exists()


def test_a_change_without_a_reason_is_refused_with_a_message(world, plan, login):
    client = login(world["therapist"])
    url = reverse("plan_entry", args=[world.patient.pk, plan.entry.pk, "remove"])
    response = client.post(url, {"reason": ""}, follow=True)
    assert "Nothing was changed" in response.content.decode()
    assert current_modules(world.episode) == ["activity", "values"]


def test_only_the_care_team_leads_may_tailor(world, plan, login):
    url = reverse("plan_add", args=[world.patient.pk])
    data = {"add-module_version": plan.worry.pk, "add-reason": "x"}
    assert login(world["intake"]).post(url, data).status_code == 403
    assert login(world["supervisor"]).post(url, data).status_code == 302


def test_the_plan_page_uses_a_constant_number_of_queries(
    world, plan, login, django_assert_max_num_queries
):
    client = login(world["therapist"])
    with django_assert_max_num_queries(30):
        client.get(reverse("plan", args=[world.patient.pk]))
    for module in (plan.worry, plan.exposure):
        plan_actions.do_add_module(world.episode, module, acting_user=world["therapist"])
    with django_assert_max_num_queries(30):
        client.get(reverse("plan", args=[world.patient.pk]))


def test_a_therapist_starts_treatment_and_sees_sent_worksheets(world, plan, login):
    from tessera.core.models import Episode
    from tessera.treatment.actions import plans as pa

    Episode.objects.filter(pk=world.episode.pk).update(started_on=None, status="waiting")
    client = login(world["therapist"])
    url = reverse("plan_start", args=[world.patient.pk])
    assert client.post(url, {"start_on": "2026-01-05"}).status_code == 302
    episode = Episode.objects.get(pk=world.episode.pk)
    assert (episode.status, episode.started_on) == ("active", dt.date(2026, 1, 5))
    again = client.post(url, {"start_on": "2026-02-01"}, follow=True)
    assert "already started" in again.content.decode()
    step = plan.activity.steps.get(position=2)
    pa.do_submit_worksheet(
        plan.entry,
        step,
        {"situation": "Took the bus", "diary": [{"day": "Mon", "what": "walk"}]},
        acting_user=world.patient.user,
    )
    page = client.get(reverse("plan", args=[world.patient.pk])).content.decode()
    assert "Took the bus" in page and "What I did: walk" in page


def test_modules_open_by_the_clinics_calendar_day():
    from types import SimpleNamespace

    clinic = SimpleNamespace(time_zone="Pacific/Kiritimati")  # UTC+14
    assert plans.clinic_today(clinic) >= dt.date.today()


def test_a_patient_is_moved_to_a_newer_module_version_only_by_the_therapist(world, plan, login):
    from tessera.programs.models import ModuleVersion

    newer = ModuleVersion.objects.create(
        module=plan.activity.module, number=2, status="published", title="Activity and mood, 2"
    )
    url = reverse("plan_entry", args=[world.patient.pk, plan.entry.pk, "newest"])
    assert PlanEntry.objects.get(pk=plan.entry.pk).module_version == plan.activity
    login(world["therapist"]).post(url, {"reason": "clearer text"})
    assert PlanEntry.objects.get(pk=plan.entry.pk).module_version == newer
    assert PlanChange.objects.get(kind="version").details == {
        "module": "activity",
        "before": 1,
        "after": 2,
    }


def test_the_module_picker_groups_by_programme_hides_the_plan_and_keeps_to_the_language(
    world, plan, login
):
    from tessera.core.models import Patient
    from tessera.programs.models import ModuleVersion

    client = login(world["therapist"])
    url = reverse("plan", args=[world.patient.pk])
    choices = client.get(url).context["add_form"].fields["module_version"].choices
    grouped = {group: [label for _value, label in options] for group, options in choices}
    # "activity" and "values" are in the plan already; exposure sits under its programme
    assert list(grouped) == ["Panic", "Other modules"]
    assert grouped["Panic"] == ["Facing fears (v1, en)"]
    assert grouped["Other modules"] == ["Worry time (v1, en)"]

    ModuleVersion.objects.filter(pk=plan.worry.pk).update(language="sv")
    Patient.objects.filter(pk=world.patient.pk).update(preferred_language="sv")
    choices = client.get(url).context["add_form"].fields["module_version"].choices
    assert [(group, [label for _v, label in options]) for group, options in choices] == [
        ("Other modules", ["Worry time (v1, sv)"])
    ]


def test_the_plan_is_reordered_by_numbers_with_one_reason(world, plan, login):
    plan_actions.do_add_module(world.episode, plan.worry, acting_user=world["therapist"])
    entries = {e.module_version.module.key: e.pk for e in world.episode.plan.current()}
    client = login(world["therapist"])
    url = reverse("plan_reorder", args=[world.patient.pk])
    before = PlanChange.objects.filter(kind="moved").count()
    response = client.post(
        url,
        {
            f"position-{entries['worry']}": "1",
            f"position-{entries['activity']}": "2",
            f"position-{entries['values']}": "3",
            "reason": "worry first, then activation",
        },
    )
    assert response.status_code == 302
    assert current_modules(world.episode) == ["worry", "activity", "values"]
    change = PlanChange.objects.filter(kind="moved").latest("id")
    assert change.reason == "worry first, then activation"
    assert change.details["order"] == ["worry", "activity", "values"]
    assert PlanChange.objects.filter(kind="moved").count() == before + 1
    # the same order again changes nothing; a missing reason is refused
    same = client.post(url, {f"position-{entries['worry']}": "1", "reason": "x"}, follow=True)
    assert "the order is the same" in same.content.decode()
    refused = client.post(url, {f"position-{entries['values']}": "1"}, follow=True)
    assert "Nothing was changed" in refused.content.decode()
    assert current_modules(world.episode) == ["worry", "activity", "values"]


def test_completing_modules_in_bulk_writes_what_one_at_a_time_writes(world, plan):
    """do_complete_modules (the demo's history, decision 0034): each entry completed and
    audited as do_complete_module would, in order, in one chain that still verifies."""
    from tessera.core import audit

    entries = list(world.episode.plan.order_by("position"))
    plan_actions.do_complete_module(entries[0], acting_user=world.patient.user)
    single = AuditEvent.objects.filter(action="module.completed").get()
    done = plan_actions.do_complete_modules(entries, acting_user=world.patient.user)
    assert done == entries[1:]  # the first was completed already
    assert all(PlanEntry.objects.get(pk=e.pk).completed_at for e in entries)
    events = list(AuditEvent.objects.filter(action="module.completed").order_by("pk"))
    fields = ("actor_id", "actor_role", "clinic_id", "patient_id", "purpose", "object_type")
    assert [e.object_id for e in events] == [str(e.pk) for e in entries]
    for event in events[1:]:
        assert [getattr(event, f) for f in fields] == [getattr(single, f) for f in fields]
        assert set(event.changes) == {"module"}
    assert list(audit.verify_chain()) == []
