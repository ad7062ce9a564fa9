"""A clinic whose people are all on leave at once is warned of ahead (decision 0155):
the rota page and the clinic's page say on which days nobody there is at work to see a
risk alert. Before, they said nothing: the rota checks read the weekly rota, not leave."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from tessera.core import actions as core_actions
from tessera.core import on_call
from tessera.core.clinic_dates import clinic_today
from tessera.core.models import ClinicRole


def away(world, first, last, skip=()):
    people = {r.user for r in ClinicRole.objects.filter(clinic=world.clinic, user__is_active=True)}
    for person in sorted(people - set(skip), key=lambda u: u.pk):
        core_actions.do_record_leave(
            world.clinic, acting_user=world["manager"], user=person, first_day=first, last_day=last
        )


def test_the_rota_page_warns_of_the_days_everyone_is_away(world, login):
    today = clinic_today(world.clinic)
    first, last = today + dt.timedelta(days=3), today + dt.timedelta(days=5)
    away(world, first, last)
    assert on_call.everyone_away(world.clinic) == [(first, last)]
    client = login(world["manager"])
    for name in ("clinic_on_call", "clinic_detail"):
        page = client.get(reverse(name, args=["alpha"])).content.decode()
        assert f"nobody at {world.clinic.name} is at work to see risk alerts" in page
        assert on_call._days(first, last) in page


def test_one_person_at_work_is_enough(world):
    today = clinic_today(world.clinic)
    away(world, today, today + dt.timedelta(days=2), skip=[world["colleague"]])
    assert on_call.everyone_away(world.clinic) == []
    assert on_call.leave_problems(world.clinic) == []
    # The colleague away only on the middle day: just that day.
    middle = today + dt.timedelta(days=1)
    core_actions.do_record_leave(
        world.clinic,
        acting_user=world["manager"],
        user=world["colleague"],
        first_day=middle,
        last_day=middle,
    )
    assert on_call.everyone_away(world.clinic) == [(middle, middle)]


def test_the_days_read_as_words():
    march = dt.date(2027, 3, 12)
    assert on_call._days(march, march + dt.timedelta(days=2)) == "12–14 March"
    assert on_call._days(march, march) == "12 March"
    assert on_call._days(dt.date(2027, 3, 30), dt.date(2027, 4, 2)) == "30 March–2 April"
