"""The rows a team's staff home counts carry their episode's clinic, kept by the
database (treatment 0016, messaging 0004; issue 16, decision 0053): whatever writes them
(the ORM, bulk inserts, a save of an object read before, raw SQL), and when an episode
is moved to another clinic. On both databases."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from tessera.core.models import Episode
from tessera.messaging.models import Message
from tessera.treatment.models import DueMeasure, EpisodeActivity, Response

pytestmark = pytest.mark.django_db

MODELS = [Message, DueMeasure, Response, EpisodeActivity]


def _wrong() -> list[tuple[str, int]]:
    """(table, episode id) of every row whose clinic is not its episode's."""
    clinics = dict(Episode.objects.values_list("pk", "clinic_id"))
    wrong = []
    for model in MODELS:
        for episode_id, clinic_id in model.objects.values_list("episode_id", "clinic_id"):
            if clinic_id != clinics[episode_id]:
                wrong.append((model._meta.db_table, episode_id))
    return wrong


def _message(episode, **extra) -> Message:
    return Message(
        episode=episode,
        from_patient=True,
        body="Hello",
        submission_key=uuid.uuid4(),
        **extra,
    )


def test_every_way_of_writing_a_row_gives_it_its_episodes_clinic(world):
    episode = world.episode
    assert world.due is not None and world.response is not None  # written by the ORM
    made = Message.objects.create(
        episode=episode, from_patient=True, body="One", submission_key=uuid.uuid4()
    )
    Message.objects.bulk_create([_message(episode), _message(episode)])
    now = timezone.now()
    DueMeasure.objects.create(
        episode=episode,
        instrument="GAD-7",
        time_point="weekly",
        sequence=99,
        opens_at=now,
        due_at=now + dt.timedelta(days=1),
        expires_at=now + dt.timedelta(days=7),
    )
    assert Message.objects.filter(episode=episode).exists()
    assert EpisodeActivity.objects.filter(episode=episode).exists()  # (its own trigger)
    assert _wrong() == []
    # An object made before the database filled the column, saved again, keeps it.
    assert made.clinic_id is None
    made.answered_at = now
    made.save()
    assert Message.objects.get(pk=made.pk).clinic_id == episode.clinic_id
    # Raw SQL, and a row given the wrong clinic: the episode's wins.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE messaging_message SET clinic_id = %s WHERE id = %s",
            [world.other_clinic.pk, made.pk],
        )
    assert _wrong() == []


def test_an_episode_moved_to_another_clinic_takes_its_rows_along(world):
    episode = world.episode
    Message.objects.create(
        episode=episode, from_patient=True, body="One", submission_key=uuid.uuid4()
    )
    Episode.objects.filter(pk=episode.pk).update(clinic=world.other_clinic)
    assert set(Message.objects.filter(episode=episode).values_list("clinic_id", flat=True)) == {
        world.other_clinic.pk
    }
    assert _wrong() == []
