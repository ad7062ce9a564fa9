"""``core.prepared`` (issue 16, decision 0044): a queryset compiled once per process and
run with new values gives the rows the queryset itself gives, for every value."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tessera.core.models import Episode
from tessera.core.prepared import Prepared
from tessera.messaging.models import Message
from tessera.treatment.models import DueMeasure


def test_rows_with_related_objects_are_the_querysets_for_every_value(world):
    built = []

    def build(user_id):
        built.append(user_id)
        return (
            Episode.objects.filter(patient__user_id=user_id)
            .select_related("patient", "clinic")
            .order_by("-id")
        )

    own = Prepared(build)
    people = [world.patient.user, world.other_patient.user, world["therapist"]]
    for person in people * 2:
        expected = list(build(person.pk))
        got = own(person.pk)
        assert got == expected
        assert [(e.patient.first_name, e.clinic.name) for e in got] == [
            (e.patient.first_name, e.clinic.name) for e in expected
        ]
    # Built once by Prepared (the rest are this test's own): the same SQL for every value.
    assert len(built) == 1 + len(people) * 2


def test_lists_dates_and_flat_values(world):
    episodes = list(Episode.objects.order_by("pk").values_list("pk", flat=True))
    ids = Prepared(
        lambda episode_ids, since: (
            Message.objects.filter(episode__id__in=episode_ids, sent_at__gte=since)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    )
    for since in [timezone.now() - dt.timedelta(days=400), timezone.now()]:
        for chosen in [episodes[:1], episodes, episodes[1:]]:
            assert ids(chosen, since) == list(
                Message.objects.filter(episode__in=chosen, sent_at__gte=since)
                .order_by("pk")
                .values_list("pk", flat=True)
            )


def test_a_date_and_a_slice(world):
    dues = Prepared(
        lambda episode_id, now: (
            DueMeasure.objects.filter(episode_id=episode_id)
            .open_now(now)
            .order_by("due_at", "pk")[:2]
        )
    )
    for days in [-30, 0, 30]:
        now = timezone.now() + dt.timedelta(days=days)
        assert dues(world.episode.pk, now) == list(
            DueMeasure.objects.filter(episode=world.episode)
            .open_now(now)
            .order_by("due_at", "pk")[:2]
        )


def test_one_query_per_call_and_nothing_for_an_empty_queryset(world):
    own = Prepared(lambda user_id: Episode.objects.filter(patient__user_id=user_id))
    own(world.patient.user.pk)
    with CaptureQueriesContext(connection) as captured:
        own(world.other_patient.user.pk)
    assert len(captured.captured_queries) == 1
    nothing = Prepared(lambda user_id: Episode.objects.filter(patient__user_id=user_id).none())
    with CaptureQueriesContext(connection) as captured:
        assert nothing(world.patient.user.pk) == []
    assert not captured.captured_queries


def test_a_value_of_an_unknown_type_is_refused(world):
    own = Prepared(lambda value: Episode.objects.filter(pk=value))
    with pytest.raises(TypeError):
        own(1.5)


def test_annotations_tuples_and_prefetches_are_the_querysets(world, django_assert_num_queries):
    """Rows made without the queryset (model instances with annotations, ``values_list``
    tuples, converted values) equal the queryset's; a read with a prefetch goes through
    the queryset, prefetch and all."""
    from django.db.models import Count

    counted = Prepared(
        lambda user_id: (
            Episode.objects.filter(patient__user_id=user_id)
            .annotate(message_count=Count("messages"))
            .order_by("pk")
        )
    )
    pairs = Prepared(
        lambda user_id: (
            Episode.objects.filter(patient__user_id=user_id)
            .order_by("pk")
            .values_list("pk", "started_on", "created_at")
        )
    )
    with_messages = Prepared(
        lambda user_id: (
            Episode.objects.filter(patient__user_id=user_id)
            .prefetch_related("messages")
            .order_by("pk")
        )
    )
    user = world.patient.user
    plain = Episode.objects.filter(patient__user_id=user.pk).order_by("pk")
    for _ in range(2):
        got = counted(user.pk)
        assert [(e.pk, e.message_count) for e in got] == [
            (e.pk, e.message_count) for e in plain.annotate(message_count=Count("messages"))
        ]
        assert pairs(user.pk) == list(plain.values_list("pk", "started_on", "created_at"))
        assert all(type(row) is tuple for row in pairs(user.pk))
        expected = [list(e.messages.all()) for e in plain.prefetch_related("messages")]
        rows = with_messages(user.pk)
        with django_assert_num_queries(0):
            assert [list(e.messages.all()) for e in rows] == expected
