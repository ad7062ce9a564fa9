"""Homework registered during the week: diary entries, their checks, idempotency,
corrections of today's entries, and the therapist's view of them."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tessera.core.models import AuditEvent
from tessera.programs.models import Step
from tessera.treatment import diary, plans, worksheets
from tessera.treatment.actions import diary as diary_actions
from tessera.treatment.models import DiaryEntry, PlanEntry
from tests.treatment.homework_fixtures import HOMEWORK, add_homework


@pytest.fixture
def plan(plan):
    """The shared plan (tests/conftest.py) with a homework step."""
    add_homework(plan)
    return plan


def register(plan, world, values=None, **kwargs):
    kwargs.setdefault("submission_key", uuid.uuid4())
    return diary_actions.do_register_diary_entry(
        plan.entry,
        plan.homework,
        values if values is not None else {"activity": "walk", "mood": "6", "times": []},
        acting_user=world.patient.user,
        **kwargs,
    )


def diary_url(plan):
    return reverse("diary_register", args=[plan.entry.pk, plan.homework.position])


# --- checking values (worksheets.check_values) ----------------------------------------


def test_check_values_accepts_what_the_fields_allow():
    values = {
        "activity": "walk",
        "mood": "7",
        "with": "others",
        "times": [{"day": "2026-03-02", "note": ""}],
    }
    assert worksheets.check_values(HOMEWORK, values) == {}


@pytest.mark.parametrize(
    "values, key",
    [
        ({"activity": "", "mood": "3"}, "activity"),  # required
        ({"activity": "x", "mood": "11"}, "mood"),  # outside 0-10
        ({"activity": "x", "mood": "a lot"}, "mood"),
        ({"activity": "x", "with": "the dog"}, "with"),  # not one of the choices
        ({"activity": "x", "times": [{"day": "Monday", "note": ""}]}, "times-0-day"),
    ],
)
def test_check_values_names_the_field_in_trouble(values, key):
    assert list(worksheets.check_values(HOMEWORK, values)) == [key]


# --- the actions ----------------------------------------------------------------------


def test_an_entry_is_kept_as_typed_and_audited(world, plan):
    item, created = register(plan, world, {"activity": "walk  <b>", "mood": "6", "times": []})
    assert created and item.values["activity"] == "walk  <b>"
    assert item.for_date == plans.clinic_today(world.clinic)
    event = AuditEvent.objects.get(action="diary.registered")
    assert event.patient == world.patient and event.purpose == "self"
    assert "walk" not in str(event.changes)  # nothing the patient wrote goes in the log


def test_the_same_submission_key_never_makes_two_entries(world, plan):
    key = uuid.uuid4()
    first, created = register(plan, world, submission_key=key)
    again, created_again = register(plan, world, submission_key=key)
    assert created and not created_again and first.pk == again.pk
    assert DiaryEntry.objects.count() == 1


def test_many_entries_for_one_step_in_a_week(world, plan):
    for _ in range(3):
        register(plan, world)
    assert DiaryEntry.objects.filter(step=plan.homework).count() == 3


def test_a_refused_entry_writes_nothing(world, plan):
    with pytest.raises(ValidationError) as info:
        register(plan, world, {"activity": "", "mood": "12", "times": []})
    assert set(info.value.message_dict) == {"activity", "mood"}
    assert not DiaryEntry.objects.exists()
    assert not AuditEvent.objects.filter(action="diary.registered").exists()


def test_an_entry_only_for_this_week_s_last_seven_days(world, plan):
    today = plans.clinic_today(world.clinic)
    register(plan, world, for_date=today - dt.timedelta(days=6))
    with pytest.raises(ValidationError):
        register(plan, world, for_date=today - dt.timedelta(days=7))
    with pytest.raises(ValidationError):
        register(plan, world, for_date=today + dt.timedelta(days=1))


def test_a_worksheet_step_is_not_a_diary(world, plan):
    worksheet = plan.activity.steps.get(position=2)
    with pytest.raises(ValidationError):
        diary_actions.do_register_diary_entry(
            plan.entry,
            worksheet,
            {"situation": "x"},
            acting_user=world.patient.user,
            submission_key=uuid.uuid4(),
        )


def test_registering_starts_the_module(world, plan):
    assert PlanEntry.objects.get(pk=plan.entry.pk).started_at is None
    register(plan, world)
    assert PlanEntry.objects.get(pk=plan.entry.pk).started_at is not None


def test_today_s_entry_can_be_corrected_an_earlier_one_cannot(world, plan):
    today = plans.clinic_today(world.clinic)
    item, _ = register(plan, world)
    old, _ = register(plan, world, for_date=today - dt.timedelta(days=1))
    diary_actions.do_correct_diary_entry(
        item, {"activity": "a long walk", "mood": "7", "times": []}, acting_user=world.patient.user
    )
    assert DiaryEntry.objects.get(pk=item.pk).values["activity"] == "a long walk"
    assert AuditEvent.objects.filter(action="diary.corrected").count() == 1
    with pytest.raises(ValidationError):
        diary_actions.do_correct_diary_entry(
            old, {"activity": "changed", "times": []}, acting_user=world.patient.user
        )
    with pytest.raises(ValidationError):  # a correction is checked like an entry
        diary_actions.do_correct_diary_entry(
            item, {"activity": "", "times": []}, acting_user=world.patient.user
        )
    assert DiaryEntry.objects.get(pk=item.pk).values["activity"] == "a long walk"


def test_the_week_is_monday_to_sunday_in_the_clinic(world, plan):
    # Hand-worked: Wednesday 2026-03-04 lies in the week Monday 2 to Sunday 8 March.
    assert diary.week_of(dt.date(2026, 3, 4)) == (dt.date(2026, 3, 2), dt.date(2026, 3, 8))
    assert diary.week_of(dt.date(2026, 3, 8)) == (dt.date(2026, 3, 2), dt.date(2026, 3, 8))
    assert diary.week_of(dt.date(2026, 3, 9))[0] == dt.date(2026, 3, 9)


def test_the_week_panel_counts_this_week_only(world, plan):
    monday, _sunday = diary.week_of(plans.clinic_today(world.clinic))
    register(plan, world, for_date=monday)
    register(plan, world)
    DiaryEntry.objects.create(  # last week's Sunday: not counted
        entry=plan.entry,
        step=plan.homework,
        values={"activity": "old"},
        for_date=monday - dt.timedelta(days=1),
        submission_key=uuid.uuid4(),
    )
    panel = diary.week_panel(world.episode)
    assert [(item.step.pk, item.this_week) for item in panel] == [(plan.homework.pk, 2)]


def test_the_plan_and_the_week_panel_count_each_entry_and_step_in_one_query(
    world, plan, django_assert_num_queries
):
    """Issue 16: the plan's states, the homework steps and this week's counts in one read
    (the states as ``plans.episode_states`` gives them). Each plan entry counts its own
    registrations of each step, also when two entries show the same module (a module
    added again); the items in the plan's order, each entry's steps by position."""
    first = plan.homework
    second = add_homework(plan, position=4)
    plan.homework = first
    again = PlanEntry.objects.create(
        episode=world.episode, module_version=plan.activity, position=plan.entry.position + 50
    )
    register(plan, world)
    register(plan, world)
    for entry, step in [(plan.entry, second), (again, plan.homework)]:
        DiaryEntry.objects.create(
            entry=entry,
            step=step,
            values={"activity": "walk"},
            for_date=plans.clinic_today(world.clinic),
            submission_key=uuid.uuid4(),
        )
    states = plans.episode_states(world.episode)
    assert {s.entry.pk for s in states if s.is_open} >= {plan.entry.pk, again.pk}
    with django_assert_num_queries(1):  # the plan's states with it (the patient home)
        with_panel, panel = diary.states_and_week_panel(world.episode)
    assert with_panel == states

    def held(entry, leaving_out=()):  # its values and related objects (episode, version)
        values = {k: v for k, v in vars(entry).items() if k not in ("_state", *leaving_out)}
        return values, entry._state.fields_cache

    # The panel's read leaves out what the page does not show (decision 0076): the
    # entries' other columns are the same; the versions' as far as they are read.
    leaving_out = [f.attname for f in PlanEntry._meta.concrete_fields]
    leaving_out = [n for n in leaving_out if n in diary._ENTRY_NOT_SHOWN]
    assert [held(s.entry) for s in with_panel] == [held(s.entry, leaving_out) for s in states]
    for mine, theirs in zip(with_panel, states, strict=True):
        read = vars(mine.entry.module_version)
        assert not {n for n in diary._VERSION_NOT_SHOWN if n in read or f"{n}_id" in read}
        assert {k: v for k, v in read.items() if k != "_state"} == {
            k: vars(theirs.entry.module_version)[k] for k in read if k != "_state"
        }
    assert diary.week_panel(world.episode) == panel
    got = [(item.entry.pk, item.step.pk, item.this_week) for item in panel]
    assert got == [
        (plan.entry.pk, plan.homework.pk, 2),
        (plan.entry.pk, second.pk, 1),
        (again.pk, plan.homework.pk, 1),
        (again.pk, second.pk, 0),
    ]
    # A step as ``.only()`` gives it: what the panel shows, the rest deferred.
    assert (panel[0].step.title, panel[0].step.position) == ("Activity diary", 3)
    assert panel[0].step.get_deferred_fields() == {
        f.attname for f in Step._meta.concrete_fields
    } - {"id", "module_version_id", "position", "title"}
    assert {"body", "transcript", "fields"} <= panel[0].step.get_deferred_fields()


# --- the patient's pages --------------------------------------------------------------


def form_data(key=None, **values):
    data = {
        "submission_key": str(key or uuid.uuid4()),
        "activity": "walk",
        "mood": "5",
        "times-0-day": "",
        "times-0-note": "",
    }
    data.update(values)
    return data


def test_the_patient_registers_from_the_diary_page(world, plan, login):
    client = login(world["patient"])
    page = client.get(diary_url(plan))
    assert page.status_code == 200 and "Register entry" in page.content.decode()
    # The day is asked once, above the fields (issue 14): the table's own day column is
    # not in the form, and is filled with the entry's day.
    assert 'name="times-0-day"' not in page.content.decode()
    today = plans.clinic_today(world.clinic)
    response = client.post(
        diary_url(plan),
        form_data(**{"times-0-note": "after lunch", "for_date": today.isoformat()}),
    )
    assert response.status_code == 302 and response["Location"] == diary_url(plan)
    item = DiaryEntry.objects.get()
    assert item.values["times"] == [{"day": today.isoformat(), "note": "after lunch"}]
    text = client.get(diary_url(plan)).content.decode()
    assert "This week: 1 entry" in text and "Correct this entry" in text


def test_a_refused_entry_is_shown_again_with_the_message_beside_the_field(world, plan, login):
    response = login(world["patient"]).post(
        diary_url(plan), form_data(activity="", mood="15", **{"times-0-note": "kept"})
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert 'id="mood-error"' in text and 'aria-describedby="mood-error"' in text
    assert 'value="15"' in text and 'value="kept"' in text  # nothing typed is lost
    assert not DiaryEntry.objects.exists()


def test_a_resent_form_registers_once(world, plan, login):
    client = login(world["patient"])
    key = uuid.uuid4()
    client.post(diary_url(plan), form_data(key))
    response = client.post(diary_url(plan), form_data(key))
    assert response.status_code == 302 and DiaryEntry.objects.count() == 1


def test_next_goes_back_home_but_never_off_site(world, plan, login):
    client = login(world["patient"])
    home = client.post(diary_url(plan), form_data(next="/"))
    assert home["Location"] == "/"
    away = client.post(diary_url(plan), form_data(next="https://evil.example/"))
    assert away["Location"] == diary_url(plan)


def test_the_reader_shows_the_diary_form_for_a_homework_step(world, plan, login):
    register(plan, world)
    url = reverse("module_reader", args=[plan.entry.pk]) + f"?step={plan.homework.position}"
    text = login(world["patient"]).get(url).content.decode()
    assert "Register entry" in text and "This week: 1 entry" in text
    assert "Send to my therapist" not in text


def test_the_patient_corrects_today_s_entry(world, plan, login):
    # Only today's entries are corrected: at midnight today's entry becomes yesterday's
    # between registering and correcting it, so the clock stands still (decision 0123).
    with time_machine.travel(timezone.now(), tick=False):
        item, _ = register(plan, world)
        url = reverse("diary_correct", args=[plan.entry.pk, plan.homework.position, item.pk])
        client = login(world["patient"])
        assert client.get(url).status_code == 200
        response = client.post(url, form_data(activity="swim"))
        assert response.status_code == 302
    assert DiaryEntry.objects.get(pk=item.pk).values["activity"] == "swim"


def test_an_older_entry_cannot_be_opened_for_correction(world, plan, login):
    today = plans.clinic_today(world.clinic)
    item, _ = register(plan, world, for_date=today - dt.timedelta(days=2))
    url = reverse("diary_correct", args=[plan.entry.pk, plan.homework.position, item.pk])
    assert login(world["patient"]).get(url).status_code == 404


def test_another_patient_reaches_nothing(world, plan, login):
    item, _ = register(plan, world)
    client = login(world["other_patient"])
    assert client.get(diary_url(plan)).status_code == 404
    url = reverse("diary_correct", args=[plan.entry.pk, plan.homework.position, item.pk])
    assert client.post(url, form_data()).status_code == 404


def test_a_worksheet_position_is_not_a_diary_page(world, plan, login):
    url = reverse("diary_register", args=[plan.entry.pk, 2])
    assert login(world["patient"]).get(url).status_code == 404


# --- the therapist's view -------------------------------------------------------------


def test_the_therapist_sees_the_entries_on_the_plan_page_and_it_is_audited(world, plan, login):
    register(plan, world, {"activity": "cycled to work", "mood": "8", "times": []})
    text = login(world["therapist"]).get(reverse("plan", args=[world.patient.pk])).content
    assert b"cycled to work" in text and b"Homework diary" in text
    assert AuditEvent.objects.filter(
        action="diary.viewed", patient=world.patient, actor=world["therapist"]
    ).exists()


@pytest.mark.parametrize("count", [2, 30])
def test_the_plan_page_diary_uses_constant_queries(
    world, plan, login, count, django_assert_max_num_queries
):
    for _ in range(count):
        register(plan, world)
    client = login(world["therapist"])
    with django_assert_max_num_queries(40):
        page = client.get(reverse("plan", args=[world.patient.pk]))
    assert page.content.decode().count('class="card diary-entry"') == min(count, 20)


def test_plan_page_query_count_does_not_grow_with_entries(world, plan, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world["therapist"])
    url = reverse("plan", args=[world.patient.pk])
    register(plan, world)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(25):
        register(plan, world)
    with CaptureQueriesContext(connection) as many:
        client.get(url + "?diary=2")
    assert len(many) == len(few)


def test_the_day_is_asked_once_and_a_time_stands_for_a_date_and_time():
    specs = [
        {"key": "when", "label": "Day and time", "type": "datetime"},
        {"key": "day", "label": "Day", "type": "date"},
        {
            "key": "log",
            "type": "table",
            "columns": [
                {"key": "at", "type": "datetime"},
                {"key": "on", "type": "date"},
                {"key": "what", "type": "text"},
            ],
        },
    ]
    shown = diary.form_specs(specs)
    assert [(s["key"], s["type"]) for s in shown] == [("when", "time"), ("log", "table")]
    assert [c["key"] for c in shown[1]["columns"]] == ["at", "what"]
    day = dt.date(2026, 5, 12)
    data = {"when": "08:30", "log-0-at": "14:00", "log-0-what": "walk", "log-1-at": ""}
    values = diary.read_entry(specs, data, day)
    assert values == {
        "when": "2026-05-12T08:30",
        "day": "2026-05-12",
        "log": [{"at": "2026-05-12T14:00", "on": "2026-05-12", "what": "walk"}],
    }
    assert worksheets.check_values(specs, values) == {}
    back = diary.for_the_form(specs, values)
    assert back["when"] == "08:30" and back["log"][0]["at"] == "14:00"


def test_a_correction_saved_in_another_tab_meanwhile_is_not_overwritten(world, plan, login):
    # Two tabs open the same entry; the first saves; the second's save was the last and
    # won without a word (decision 0152). Now it is refused (409), its text kept, and
    # saving again from the refused page replaces the first knowingly.
    with time_machine.travel(timezone.now(), tick=True):
        item, _ = register(plan, world)
        url = reverse("diary_correct", args=[plan.entry.pk, plan.homework.position, item.pk])
        client = login(world["patient"])
        drawn = item.version
        assert f'name="drawn" value="{drawn}"' in client.get(url).content.decode()
        first = client.post(url, form_data(activity="swim", drawn=drawn))
        assert first.status_code == 302
        second = client.post(url, form_data(activity="run", drawn=drawn))
        text = second.content.decode()
        assert second.status_code == 409
        assert "corrected in another window" in text and 'value="run"' in text
        assert DiaryEntry.objects.get(pk=item.pk).values["activity"] == "swim"
        now = DiaryEntry.objects.get(pk=item.pk).version
        assert now != drawn and f'name="drawn" value="{now}"' in text
        again = client.post(url, form_data(activity="run", drawn=now))
        assert again.status_code == 302
        # Sent twice (a double click): the same words find their own save, not a refusal.
        assert client.post(url, form_data(activity="run", drawn=now)).status_code == 302
    assert DiaryEntry.objects.get(pk=item.pk).values["activity"] == "run"
    assert AuditEvent.objects.filter(action="diary.corrected").count() == 2
