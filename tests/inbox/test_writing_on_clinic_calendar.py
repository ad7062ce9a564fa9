"""An ended course stays in its therapist's inbox, caseload and staff home counts until
its read-only day on its own clinic's calendar, not the reader's (decision 0109, left
from its runs): a therapist of a Swedish and a Scottish clinic, at 00:30 in Stockholm
(23:30 in Scotland), sees the Swedish course leave and the Scottish one stay an hour
longer, until midnight in Scotland."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tessera.core import actions as core_actions
from tessera.core.models import Clinic, Episode, User
from tessera.core.roles import Role
from tessera.inbox import items, scope, worklist
from tessera.messaging.models import Message
from tests.conftest import make_patient, sign_in
from tests.inbox.inbox_world import risk_alert

pytestmark = pytest.mark.django_db

LAST_DAY = dt.date(2027, 3, 10)  # read-only from then: writable until 9 March ends
INSTANT = dt.datetime(2027, 3, 9, 23, 30, tzinfo=dt.UTC)  # 00:30 on 10 March in Stockholm


def _risk_count(counts) -> int:
    return next(n for kind, _label, n in counts if kind == items.RISK)


def test_an_ended_course_is_still_writing_until_its_clinics_own_midnight(world):
    therapist = world["therapist"]
    Clinic.objects.filter(pk=world.other_clinic.pk).update(time_zone="Europe/London")
    core_actions.do_grant_role(therapist, world.other_clinic, Role.THERAPIST)
    _p, swedish = make_patient(world.clinic, "ended.se@alpha.test", therapist=therapist)
    _q, scottish = make_patient(world.other_clinic, "ended.sct@beta.test", therapist=therapist)
    ended = [swedish.pk, scottish.pk]
    Episode.objects.filter(pk__in=ended).update(
        status=Episode.Status.ENDED,
        ended_on=LAST_DAY - dt.timedelta(days=14),
        read_only_from=LAST_DAY,
    )
    with time_machine.travel(INSTANT, tick=False):
        Message.objects.filter(episode_id__in=ended).update(answered_at=INSTANT)
        fresh = User.objects.get(pk=therapist.pk)
        choice = scope.choose(fresh, None, [])
        shown = set(scope.caseload(fresh, choice).values_list("pk", flat=True))
        assert scottish.pk in shown  # 23:30 on 9 March in Scotland: still writing
        assert swedish.pk not in shown  # 00:30 on 10 March in Stockholm: read-only
        read = {row[0] for row in scope.caseload_rows(fresh, choice, ("pk",))}
        assert read == shown

        client = Client()
        sign_in(client, therapist)
        before = _risk_count(client.get(reverse("home")).context["inbox"].counts)
        for pk in ended:
            risk_alert(Episode.objects.get(pk=pk), at=INSTANT - dt.timedelta(hours=1))
        home = client.get(reverse("home")).context["inbox"].counts
        assert _risk_count(home) == before + 1  # the Scottish course's alert only
        fresh = User.objects.get(pk=therapist.pk)
        built = worklist.build(scope.CaseloadRead(fresh, scope.choose(fresh, None, [])))
        alerted = {item.episode.pk for item in built.of_kind(items.RISK)}
        assert scottish.pk in alerted and swedish.pk not in alerted
