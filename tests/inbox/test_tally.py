"""The staff home's inbox counts are counted, not built (issue 16): ``worklist.tally``
gives exactly the numbers of ``worklist.build`` (the inbox), for a world with every
kind of row and for the demo therapist and manager, in no more queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Exists
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tessera.core import actions as core_actions
from tessera.core.models import Episode, User
from tessera.core.roles import Role
from tessera.inbox import items, scope, worklist
from tessera.messaging.models import Message
from tessera.portal import staff_lists
from tessera.treatment.models import DueMeasure
from tests.conftest import sign_in
from tests.inbox.inbox_world import caseload, full_patient, manual_programme, message, training

pytestmark = pytest.mark.django_db


def _both(user, now=None):
    fresh = User.objects.get(pk=user.pk)
    choice = scope.choose(fresh, None, scope.team_therapists(fresh))
    with CaptureQueriesContext(connection) as built_queries:
        built = worklist.build(scope.caseload(fresh, choice), now)
    with CaptureQueriesContext(connection) as counted_queries:
        counted = worklist.tally(scope.caseload(fresh, choice), now)
    return built, counted, len(built_queries), len(counted_queries)


def _assert_same(user, now=None):
    built, counted, built_queries, counted_queries = _both(user, now)
    assert counted.counts == built.counts
    assert counted.total == built.total
    assert counted_queries <= built_queries, (built_queries, counted_queries)
    return dict((kind, n) for kind, _label, n in counted.counts)


def test_the_counts_are_the_inboxs_for_every_kind_of_row(world):
    therapist = world["therapist"]
    programme = manual_programme(world.region)
    patients = caseload(world, therapist, programme, 4)  # the fourth has every kind
    # Edges the counts must tell as the inbox does: two messages waiting in one episode
    # (one row), a training patient (no row), an ended episode (no "new patient"), a
    # questionnaire due earlier today (not overdue) and one expired (not overdue).
    patient, episode, _answer = patients[0]
    message(episode, at=timezone.now() - dt.timedelta(days=29))
    training(patients[1][0])
    _p, ended, _a = patients[2]
    Episode.objects.filter(pk=ended.pk).update(
        status=Episode.Status.ENDED, read_only_from=timezone.localdate() + dt.timedelta(days=9)
    )
    now = timezone.now()
    DueMeasure.objects.filter(episode=episode, completed_at__isnull=True).update(
        due_at=now - dt.timedelta(minutes=1)
    )
    counts = _assert_same(therapist, now)
    # The caseload, then one query per kind and two for replies (no more for the team);
    # a therapist's own one more, the leave they cover today (decision 0160's follow-up).
    assert _both(therapist, now)[3] == 9
    assert _both(world["manager"], now)[3] == 8
    assert all(counts[kind] >= 1 for kind, _label in items.KINDS), counts
    # The team's inbox (the manager's staff home) counts the same rows.
    _assert_same(world["manager"], now)
    # And a week later, when more is overdue, inactive or expired.
    _assert_same(therapist, now + dt.timedelta(days=7))


@pytest.mark.parametrize("email", ["therapist@demo.tessera.test", "manager@demo.tessera.test"])
def test_the_demo_staff_homes_show_the_inboxs_numbers(seeded_demo, email):
    user = User.objects.get(email=email)
    counts = _assert_same(user)
    assert sum(counts.values()) > 0
    client = Client()
    sign_in(client, user)
    home = client.get(reverse("home"))
    assert home.status_code == 200
    built, _counted, _b, _c = _both(user)
    assert home.context["inbox"].counts == built.counts


def test_a_message_sent_on_the_last_writable_day_stays_until_it_is_answered(world):
    """An ended episode leaves the inbox on its read-only date, but not while a message
    of the patient's waits for a reply: one sent late on the last day it could be written
    (or in the hour a clinic west of the server is still on that day) is not dropped at
    midnight. The staff home's counts follow the inbox."""
    therapist = world["therapist"]
    programme = manual_programme(world.region)
    (_p, ended, _a), (_q, quiet, _b) = caseload(world, therapist, programme, 2)
    today = timezone.localdate()
    Episode.objects.filter(pk__in=[ended.pk, quiet.pk]).update(
        status=Episode.Status.ENDED, ended_on=today - dt.timedelta(days=30), read_only_from=today
    )
    # (every patient of the world has a message waiting: answer them first)
    Message.objects.filter(episode__in=[ended, quiet]).update(answered_at=timezone.now())
    waiting = message(ended, at=timezone.now() - dt.timedelta(minutes=30))

    fresh = User.objects.get(pk=therapist.pk)
    choice = scope.choose(fresh, None, [])
    in_inbox = set(scope.caseload(fresh, choice).values_list("pk", flat=True))
    assert ended.pk in in_inbox  # its message waits
    assert quiet.pk not in in_inbox  # read-only, nothing waiting
    built = worklist.build(scope.caseload(fresh, choice))
    assert ended.pk in {i.episode.pk for i in built.of_kind(items.REPLY)}
    _assert_same(therapist)

    client = Client()
    sign_in(client, therapist)
    home = client.get(reverse("home"))
    assert home.context["inbox"].counts == built.counts

    waiting.answered_at = timezone.now()
    waiting.save(update_fields=["answered_at"])
    assert ended.pk not in set(scope.caseload(fresh, choice).values_list("pk", flat=True))
    assert client.get(reverse("home")).context["inbox"].counts == _both(therapist)[0].counts


def test_a_therapist_at_two_clinics_counts_the_rows_of_both(world):
    """A therapist's counts and rows are read by their clinics' ranges (decision 0057):
    a caseload at two clinics, with a training patient (left out), an ended episode
    whose message waits (kept) and one that no longer may write (left out), gives every
    row of both clinics, the staff home the same numbers, and the staff home's caseload
    its clinics and waiting messages as the join and the lookup per episode gave them."""
    therapist = world["therapist"]
    core_actions.do_grant_role(therapist, world.other_clinic, Role.THERAPIST)
    programme = manual_programme(world.region)
    start = timezone.now() - dt.timedelta(days=30)
    (_p, here, _a), (trainee, _t, _b), (_q, ended, _c) = caseload(world, therapist, programme, 3)
    _far_patient, far, _d = full_patient(
        world, therapist, programme, 9, start=start, clinic=world.other_clinic
    )
    _gone, gone, _e = full_patient(
        world, therapist, programme, 10, start=start, clinic=world.other_clinic
    )
    training(trainee)
    today = timezone.localdate()
    Episode.objects.filter(pk=ended.pk).update(
        status=Episode.Status.ENDED, read_only_from=today - dt.timedelta(days=1)
    )
    Episode.objects.filter(pk=gone.pk).update(
        status=Episode.Status.ENDED, read_only_from=today - dt.timedelta(days=1)
    )
    Message.objects.filter(episode=gone).update(answered_at=timezone.now())
    now = timezone.now()
    counts = _assert_same(therapist, now)
    _assert_same(therapist, now + dt.timedelta(days=7))

    fresh = User.objects.get(pk=therapist.pk)
    built = worklist.build(scope.caseload(fresh, scope.choose(fresh, None, [])), now)
    kinds = {(item.episode.pk, item.kind) for item in built.items}
    for kind in (items.REPLY, items.OVERDUE, items.DETERIORATION, items.RISK):
        assert (here.pk, kind) in kinds and (far.pk, kind) in kinds, kind
    assert (ended.pk, items.REPLY) in kinds  # its message waits
    shown = {item.episode.pk for item in built.items}
    assert gone.pk not in shown
    assert not shown & set(trainee.episodes.values_list("pk", flat=True))
    assert counts[items.REPLY] >= 3

    client = Client()
    sign_in(client, therapist)
    home = client.get(reverse("home"))
    assert home.context["inbox"].counts == built.counts
    # The staff home's episodes: each clinic and waiting message as before.
    read = {e.pk: e for e in staff_lists.responsible_for(fresh)}
    for episode in Episode.objects.filter(therapist=therapist).annotate(
        waits=Exists(scope.patient_waits())
    ):
        assert read[episode.pk].clinic == episode.clinic
        assert read[episode.pk].patient_waits == episode.waits, episode.pk
    assert {read[far.pk].clinic_id, read[here.pk].clinic_id} == {
        world.other_clinic.pk,
        world.clinic.pk,
    }
