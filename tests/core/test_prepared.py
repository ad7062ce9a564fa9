"""``core.prepared`` (issue 16, decision 0044): a queryset compiled once per process and
run with new values gives the rows the queryset itself gives, for every value."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tessera.core.models import Episode
from tessera.core.prepared import Prepared
from tessera.messaging.models import Message
from tessera.treatment.models import DueMeasure


@pytest.fixture(autouse=True, params=[0, 60], ids=["closed", "kept"])
def connection_kept(request, monkeypatch):
    """Every test with the connection closed after each request (tests, development)
    and kept (production, the load test): on PostgreSQL the compiled reads are then
    prepared on the server (decision 0060) and must give the same rows."""
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", request.param)
    return request.param


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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_a_kept_connection_prepares_each_read_once_and_logs_it_as_any_other(
    world, connection_kept, settings
):
    """Decision 0060: on a kept connection a compiled read is prepared on the server at
    its first run and executed by name after (no parsing or planning per request); it
    is counted and logged with its values as Django's own queries are. Django's own
    cursors prepare nothing. Closed after each request, or turned off, nothing is."""

    def prepared_statements():
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    own = Prepared(lambda user_id: Episode.objects.filter(patient__user_id=user_id).order_by("pk"))
    before = prepared_statements()
    user = world.patient.user
    with CaptureQueriesContext(connection) as captured:
        for _ in range(3):
            assert own(user.pk) == list(Episode.objects.filter(patient__user=user).order_by("pk"))
    logged = [q["sql"] for q in captured.captured_queries if q["sql"].startswith('SELECT "t')]
    assert len(logged) == 6  # three compiled, three plain
    for sql in logged:  # with the value written in, as the plain query's
        assert re.search(rf'"core_patient"."user_id" = \(?{user.pk}\)?', sql), sql
    new = [s for s in prepared_statements() if s not in before]
    if connection_kept:
        assert len(new) == 1 and '"core_patient"."user_id" = ($1)' in new[0]
    else:
        assert new == []
    settings.TESSERA_PREPARED_STATEMENTS = False
    other = Prepared(lambda user_id: Episode.objects.filter(patient__user_id=user_id))
    assert other(user.pk) == list(Episode.objects.filter(patient__user=user))
    assert len([s for s in prepared_statements() if s not in before]) == len(new)


def _made(obj, seen=None):
    """All an instance holds, as ``from_db`` or the fast path made it: its class, the
    values in its ``__dict__`` (the deferred fields absent), its state, and the same of
    each related object cached on it (``select_related``, a back-reference: once)."""
    if obj is None:
        return None
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return ("seen", type(obj), obj.pk)
    seen.add(id(obj))
    state = obj._state
    return (
        type(obj),
        sorted((k, repr(v)) for k, v in vars(obj).items() if k != "_state"),
        [type(v) for k, v in sorted(vars(obj).items()) if k != "_state"],
        (state.db, state.adding),
        sorted((name, _made(value, seen)) for name, value in state.fields_cache.items()),
        obj.get_deferred_fields(),
    )


def test_instances_made_without_init_are_the_querysets(seeded_demo, django_assert_num_queries):
    """Issue 16: model instances are made without ``Model.__init__`` (``_Maker.fast``)
    and must be what the queryset makes, field by field: nested ``select_related``
    objects, a null foreign key (no object), a one-to-one's back-reference, deferred
    fields (read on access, as the queryset's), annotations."""
    from django.db.models import Count

    from tessera.core.models import Patient
    from tessera.treatment.models import PlanEntry

    def episodes(least):
        return (
            Episode.objects.filter(pk__gte=least)
            .select_related("patient__user", "therapist", "clinic__region", "programme_version")
            .defer("patient__user__password", "programme_version__translations")
            .annotate(message_count=Count("messages"))
            .order_by("pk")
        )

    def entries(least):
        return (
            PlanEntry.objects.filter(episode_id__gte=least)
            .select_related("module_version", "programme_version", "episode")
            .only(
                "position", "module_version__title", "programme_version__number", "episode__status"
            )
            .order_by("pk")
        )

    def patients(least):
        return Patient.objects.filter(pk__gte=least).select_related("user").order_by("pk")

    first_episode = min(Episode.objects.values_list("pk", flat=True))
    first_patient = min(Patient.objects.values_list("pk", flat=True))
    for build, first in [
        (episodes, first_episode),
        (entries, first_episode),
        (patients, first_patient),
    ]:
        compiled = Prepared(build)
        for least in (first, first + 1):
            expected = list(build(least))
            got = compiled(least)
            assert expected, build
            assert [_made(o) for o in got] == [_made(o) for o in expected]
    # The demo has both: episodes with a therapist and without, patients with a user
    # and without.
    assert {e.therapist is None for e in Prepared(episodes)(first_episode)} == {True, False}
    assert {p.user is None for p in Prepared(patients)(first_patient)} == {True, False}
    # A deferred field is read when asked, as from the queryset's instance.
    entry = Prepared(entries)(first_episode)[0]
    stored = PlanEntry.objects.get(pk=entry.pk).seen_steps
    with django_assert_num_queries(1):
        assert entry.seen_steps == stored


def test_instances_go_through_init_where_it_would_do_more(world):
    """With a ``pre_init`` or ``post_init`` receiver for the model (connected at any
    time), and for a model whose field has its own descriptor (a file), the instances
    are made by ``from_db`` (``Model.__init__``), receivers told."""
    from django.db.models.signals import post_init, pre_init

    from tessera.core.prepared import _plain_model
    from tessera.programs.models import MediaFile

    own = Prepared(
        lambda user_id: (
            Episode.objects.filter(patient__user_id=user_id)
            .select_related("patient")
            .order_by("pk")
        )
    )
    user_id = world.patient.user.pk
    assert own(user_id)
    for signal in (pre_init, post_init):
        told = []

        def receiver(sender, **kwargs):
            told.append(sender)

        signal.connect(receiver, sender=Episode)
        try:
            got = own(user_id)
        finally:
            signal.disconnect(receiver, sender=Episode)
        assert told == [Episode] * len(got)
        told.clear()
        signal.connect(receiver)  # any sender: the patients too
        try:
            got = own(user_id)
        finally:
            signal.disconnect(receiver)
        assert sorted(t.__name__ for t in told) == sorted(["Episode", "Patient"] * len(got))
    assert _plain_model(Episode)
    assert not _plain_model(MediaFile)  # its file's descriptor makes a FieldFile


def test_from_db_makes_what_djangos_from_db_makes(world):
    """``prepared.from_db`` (the columns of a model read beside another's): the instance
    ``Model.from_db`` makes, with all the columns or some (the rest deferred)."""
    from tessera.core import prepared

    episode = Episode.objects.get(pk=world.episode.pk)
    every = [f.attname for f in Episode._meta.concrete_fields]
    # In the model's order, as Django's ``from_db`` requires.
    some = [name for name in every if name in {"id", "status", "patient_id", "created_at"}]
    for names in (every, some, some):
        values = [getattr(episode, name) for name in names]
        made = prepared.from_db(Episode, "default", names, values)
        assert _made(made) == _made(Episode.from_db("default", names, values))
    assert made.get_deferred_fields() == set(every) - set(some)


def test_from_db_takes_the_columns_in_any_order_with_or_without_receivers(world):
    """The inbox's rows name their columns in their own order (``collect.loaded_row``):
    the instance is the same whichever way it is made, also through ``Model.from_db``
    (a ``post_init`` receiver connected), which takes them in the model's order."""
    from django.db.models.signals import post_init

    from tessera.core import prepared

    episode = Episode.objects.get(pk=world.episode.pk)
    names = ["status", "id", "is_training", "created_at", "patient_id"]
    values = [getattr(episode, name, True) for name in names]  # is_training: annotated
    in_order = [f.attname for f in Episode._meta.concrete_fields if f.attname in names]
    plain = Episode.from_db("default", in_order, [getattr(episode, n) for n in in_order])
    plain.is_training = True
    expected = _made(plain)
    fast = prepared.from_db(Episode, "default", names, values)
    assert _made(fast) == expected and fast.is_training is True

    def receiver(sender, **kwargs):
        pass

    post_init.connect(receiver, sender=Episode)
    try:
        made = prepared.from_db(Episode, "default", names, values)
    finally:
        post_init.disconnect(receiver, sender=Episode)
    assert _made(made) == expected and made.is_training is True
    assert (made.status, made.pk, made.patient_id) == (
        episode.status,
        episode.pk,
        episode.patient_id,
    )
