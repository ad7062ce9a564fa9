"""Demo time for the two Riverside therapists on their patients, from the week each
patient's treatment started: mostly 10–20 minutes per patient a week (CLINICAL.md §4).
Last week Tove (``therapist``) had an intensive week with her patient who is four weeks
in, above half of her working week online, so that the warning shows. (The core demo
starts her other patients today, so that week rests on one patient.) Safe to run
twice: days that already have time are left alone."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tessera.core.models import Episode

from .actions import do_add_measured_time
from .clock import local_day, week_start

WEEKS = 7
# Minutes per patient on Monday, Wednesday and Thursday of an ordinary week.
ORDINARY = {0: 6, 2: 5, 3: 4}
# The intensive week: 21 hours in all, 1,260 of the clinic's 2,400 minutes.
INTENSIVE_WEEKS_AGO = 1
INTENSIVE = {0: 300, 1: 240, 2: 240, 3: 240, 4: 240}


def seed(ctx) -> None:
    for local in ("therapist", "therapist2"):
        therapist = ctx.staff.get(local)
        if therapist is None:
            continue
        episodes = Episode.objects.filter(
            therapist=therapist, patient__in=list(ctx.patients.values())
        ).select_related("clinic", "patient")
        for episode in episodes:
            _seed_episode(episode, therapist, intensive=local == "therapist")


def _seed_episode(episode, therapist, *, intensive: bool) -> None:
    today = local_day(episode.clinic, timezone.now())
    first = week_start(min(today, episode.started_on or today))
    this_monday = week_start(today)
    for weeks_ago in range(WEEKS):
        monday = this_monday - dt.timedelta(weeks=weeks_ago)
        if monday < first:
            break
        plan = ORDINARY
        if intensive and weeks_ago == INTENSIVE_WEEKS_AGO and monday > first:
            plan = INTENSIVE  # only a patient who started before last week
        for weekday, minutes in plan.items():
            day = monday + dt.timedelta(days=weekday)
            if day > today:
                continue
            extra = (episode.pk + weekday + weeks_ago) % 3  # a little variation, stable
            do_add_measured_time(episode, user=therapist, day=day, seconds=(minutes + extra) * 60)
