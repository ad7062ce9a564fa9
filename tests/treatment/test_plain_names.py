"""Patients see a questionnaire's plain name and why it is asked, and one due today is
"due today", never "overdue" (issue 14)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

from django.urls import reverse

from tessera.treatment import plain_names
from tessera.treatment.plain_names import due_state

DEFINITIONS = Path(__file__).resolve().parents[2] / "tessera/instruments/definitions"
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def test_every_shipped_questionnaire_has_a_plain_name():
    codes = {json.loads(p.read_text())["code"] for p in DEFINITIONS.glob("*.json")}
    assert codes <= set(plain_names.PLAIN_NAMES)
    assert plain_names.plain_name("PHQ-9") == "A questionnaire about your mood (PHQ-9)"
    assert plain_names.plain_name("NEW-1") == "NEW-1"


def test_why_depends_on_when_it_is_asked():
    assert "where you start" in plain_names.why_asked("PHQ-9", "pre")
    assert "during treatment" in plain_names.why_asked("PHQ-9", "weekly")
    assert "after treatment" in plain_names.why_asked("PHQ-9", "follow_up_6")
    assert "unwanted effects" in plain_names.why_asked("NEQ-20", "post")


def test_due_at_midnight_today_is_due_today_not_overdue():
    today = dt.date(2026, 5, 12)
    midnight = dt.datetime(2026, 5, 12, tzinfo=STOCKHOLM)
    assert due_state(midnight, today, STOCKHOLM).state == "today"
    assert due_state(midnight - dt.timedelta(minutes=1), today, STOCKHOLM).state == "overdue"
    assert due_state(midnight + dt.timedelta(days=1), today, STOCKHOLM).state == "later"


def test_the_patient_pages_use_the_plain_name_and_say_due_today(world, login):
    from tessera.treatment.plans import clinic_today

    due = world.due
    today = clinic_today(world.clinic)
    due.due_at = dt.datetime.combine(today, dt.time(), tzinfo=ZoneInfo(world.clinic.time_zone))
    due.opens_at = due.due_at - dt.timedelta(days=1)
    due.save()
    client = login(world["patient"])
    page = client.get(reverse("my_questionnaires")).content.decode()
    assert plain_names.plain_name(due.instrument) in page
    assert "due today" in page and "overdue" not in page
    fill = client.get(reverse("questionnaire_fill", args=[due.pk])).content.decode()
    assert f"<h1>{plain_names.plain_name(due.instrument)}</h1>" in fill
    assert "It shows where you start" in fill


def test_sent_questionnaires_say_when_they_were_asked(world, login):
    """Two PHQ-9s sent (before treatment, after it) can be told apart (issue 14, item 7)."""
    import uuid

    from tessera.treatment import actions

    due = world.due
    actions.do_submit_response(
        due,
        dict.fromkeys(range(1, 10), 0),
        acting_user=world["patient"],
        submission_key=uuid.uuid4(),
        language="en",
    )
    page = login(world["patient"]).get(reverse("my_questionnaires")).content.decode()
    sent = page.split('id="done-heading"')[1]
    assert f"({due.get_time_point_display()})" in sent


def test_due_words_give_the_day_as_djangos_date_format_in_each_language():
    # The day is formatted through kept_dates (issue 16): the same text as date_format.
    import types

    from django.utils import timezone, translation
    from django.utils.formats import date_format

    from tessera.treatment.plans import clinic_today
    from tessera.treatment.templatetags.treatment_tags import due_words

    clinic = types.SimpleNamespace(time_zone="Europe/Stockholm")
    episode = types.SimpleNamespace(clinic=clinic)
    for days, words in ((-9, "overdue since %(date)s"), (12, "due %(date)s")):
        due_at = timezone.now() + dt.timedelta(days=days)
        due = types.SimpleNamespace(episode=episode, due_at=due_at)
        day = due_state(due_at, clinic_today(clinic), ZoneInfo(clinic.time_zone)).day
        for language in ("en", "sv", "en"):
            with translation.override(language):
                expected = translation.gettext(words) % {
                    "date": date_format(day, "SHORT_DATE_FORMAT")
                }
                assert due_words(due) == expected
