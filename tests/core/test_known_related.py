"""``known_related.give_known``: the object in hand given to the rows that point at it, the
rest read once together (issue 16)."""

from __future__ import annotations

import uuid

from tessera.core.known_related import already_read, give_known
from tessera.core.models import Episode
from tessera.messaging.models import Message


def _message(episode, author):
    return Message.objects.create(
        episode=episode, author=author, body="Hello", submission_key=uuid.uuid4()
    )


def test_the_known_author_is_given_and_the_others_are_read_once(world, django_assert_num_queries):
    therapist, supervisor = world["therapist"], world["supervisor"]
    for author in (therapist, supervisor, None, therapist, supervisor):
        _message(world.episode, author)
    rows = list(Message.objects.filter(episode=world.episode).order_by("id"))
    with django_assert_num_queries(1):  # the supervisor, once for both rows
        give_known(rows, "author", therapist)
        authors = [m.author for m in rows]
    assert authors == [therapist, supervisor, None, therapist, supervisor]
    assert authors[0] is therapist


def test_nothing_known_reads_every_author_once(world, django_assert_num_queries):
    _message(world.episode, world["therapist"])
    rows = list(Message.objects.filter(episode=world.episode))
    with django_assert_num_queries(1):
        give_known(rows, "author", None)
        assert rows[0].author == world["therapist"]
    with django_assert_num_queries(0):
        give_known([], "author", None)


def test_already_read_is_what_select_related_read_or_none(world):
    plain = Episode.objects.get(pk=world.episode.pk)
    assert already_read(plain, "therapist") is None
    joined = Episode.objects.select_related("therapist").get(pk=world.episode.pk)
    assert already_read(joined, "therapist") == joined.therapist
