"""A message reaches a person or is not offered (issue 14): the page says who reads,
by care model; without a responsible therapist nobody would read it, so the form is
not there; after the end the message still reaches the therapist's inbox while the
patient may write."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tessera.core import access
from tessera.core.models import Episode
from tessera.inbox import scope, worklist
from tessera.messaging import actions
from tessera.messaging.models import Message
from tessera.portal.ending import do_end_episode
from tessera.treatment import plans
from tests.conftest import begun_by

ME = "/me/messages/"


def test_the_page_names_the_therapist_who_reads_and_the_reply_time(world, login):
    text = login(world.patient.user).get(ME).content.decode()
    assert 'id="who-reads"' in text
    assert world["therapist"].get_full_name() in text and "working hours" in text
    assert 'id="id_body"' in text


@pytest.mark.parametrize("care_model", ["unguided", "guided"])
def test_without_a_therapist_nobody_reads_so_nothing_is_offered(world, login, care_model):
    Episode.objects.filter(pk=world.episode.pk).update(therapist=None, care_model=care_model)
    episode = Episode.objects.get(pk=world.episode.pk)
    client = login(world.patient.user)
    text = client.get(ME).content.decode()
    assert "Nobody reads messages" in text and 'id="id_body"' not in text
    assert reverse("ask_for_help") in text
    assert "They answer on working days" not in text
    assert not access.may_write_message(world.patient.user, episode)
    response = client.post(ME, {"body": "hello?", "submission_key": str(uuid.uuid4())})
    assert response.status_code == 302
    assert not Message.objects.filter(from_patient=True).exists()
    with pytest.raises(ValidationError, match="Nobody reads"):
        actions.do_send_message(
            episode, acting_user=world.patient.user, body="x", submission_key=uuid.uuid4()
        )


def test_an_unguided_episode_with_a_named_therapist_says_who_reads(world, login):
    Episode.objects.filter(pk=world.episode.pk).update(care_model="unguided")
    text = login(world.patient.user).get(ME).content.decode()
    assert world["therapist"].get_full_name() in text and 'id="id_body"' in text
    assert "your therapist" not in text.split('id="who-reads"')[1].split("</p>")[0]


def _end(world, days_ago):
    ended_on = plans.clinic_today(world.clinic) - dt.timedelta(days=days_ago)
    begun_by(world.episode, ended_on)
    do_end_episode(
        world.episode, acting_user=world["therapist"], reason="completed", ended_on=ended_on
    )
    return Episode.objects.get(pk=world.episode.pk)


def _inbox_has_reply(therapist, episode) -> bool:
    work = worklist.build(scope.caseload(therapist, scope.Choice(therapist, team=False)))
    return any(item.kind == "reply" and item.episode.pk == episode.pk for item in work.items)


def test_a_message_after_the_end_reaches_the_therapists_inbox(world, login):
    episode = _end(world, 0)
    client = login(world.patient.user)
    text = client.get(ME).content.decode()
    assert "Your treatment ended on" in text and "You can still write" in text
    actions.do_send_message(
        episode, acting_user=world.patient.user, body="One more thing", submission_key=uuid.uuid4()
    )
    assert _inbox_has_reply(world["therapist"], episode)


def test_after_the_read_only_date_the_form_is_gone_and_it_says_whom_to_contact(world, login):
    world.clinic.contact_email = "hello@alpha.test"
    world.clinic.save()
    actions.do_send_message(
        world.episode, acting_user=world.patient.user, body="Before", submission_key=uuid.uuid4()
    )
    assert _inbox_has_reply(world["therapist"], world.episode)
    episode = _end(world, 40)
    text = login(world.patient.user).get(ME).content.decode()
    assert 'id="id_body"' not in text and "new messages cannot be sent" in text
    assert "mailto:hello@alpha.test" in text
    # The message still waiting is not dropped on the read-only date: it stays in the
    # inbox until it is answered.
    assert _inbox_has_reply(world["therapist"], episode)
    Message.objects.filter(episode=episode).update(answered_at=timezone.now())
    assert not _inbox_has_reply(world["therapist"], episode)
