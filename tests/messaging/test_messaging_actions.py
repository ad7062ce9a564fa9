"""do_send_message, drafts and read receipts."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from tessera.core.models import AuditEvent, Episode
from tessera.messaging import actions
from tessera.messaging.models import Message, MessageDraft, MessageRead


def send(world, user, body="Hello", key=None, **extra):
    return actions.do_send_message(
        world.episode, acting_user=user, body=body, submission_key=key or uuid.uuid4(), **extra
    )


def test_a_repeat_with_the_same_key_returns_the_first_message(world):
    key = uuid.uuid4()
    first = send(world, world["therapist"], "Welcome", key)
    again = send(world, world["therapist"], "Welcome (double click)", key)
    assert again.pk == first.pk
    assert Message.objects.filter(episode=world.episode).count() == 1
    assert Message.objects.get().body == "Welcome"


def test_a_key_used_by_someone_else_is_refused(world):
    key = uuid.uuid4()
    send(world, world["therapist"], "Welcome", key)
    with pytest.raises(ValidationError):
        send(world, world.patient.user, "Hi", key)


def test_a_staff_message_answers_the_waiting_patient_messages(world):
    waiting = send(world, world.patient.user, "A question")
    other_episode = Message.objects.create(
        episode=world.other_patient.episodes.get(),
        author=world.other_patient.user,
        from_patient=True,
        body="elsewhere",
        submission_key=uuid.uuid4(),
    )
    assert Message.objects.awaiting_reply().count() == 2
    reply = send(world, world["therapist"], "An answer")
    waiting.refresh_from_db()
    other_episode.refresh_from_db()
    assert waiting.answered_at == reply.sent_at
    assert other_episode.answered_at is None
    assert reply.answered_at is None and not reply.from_patient


def test_a_patient_message_answers_nothing(world):
    send(world, world.patient.user, "One")
    send(world, world.patient.user, "Two")
    assert Message.objects.awaiting_reply().filter(episode=world.episode).count() == 2


def test_quoting_a_sent_answer_records_the_feedback(world, sent_answer):
    message = send(
        world, world["therapist"], "Well done", quoted_answer=sent_answer, quoted_text="lake"
    )
    sent_answer.refresh_from_db()
    assert sent_answer.feedback_at == message.sent_at
    assert sent_answer.feedback_by == world["therapist"]
    assert message.quoted_answer == sent_answer and message.quoted_text == "lake"


def test_an_answer_of_another_episode_or_not_sent_cannot_be_quoted(world, sent_answer):
    sent_answer.submitted_at = None
    sent_answer.save()
    with pytest.raises(ValidationError):
        send(world, world["therapist"], "x", quoted_answer=sent_answer)
    assert not Message.objects.exists()


def test_a_patient_cannot_quote(world, sent_answer):
    message = send(world, world.patient.user, "me", quoted_answer=sent_answer, quoted_text="q")
    assert message.quoted_answer is None and message.quoted_text == ""
    sent_answer.refresh_from_db()
    assert sent_answer.feedback_at is None


@pytest.mark.parametrize("body", ["", "   \n ", "x" * (actions.MAX_BODY + 1)])
def test_empty_or_too_long_bodies_are_refused(world, body):
    with pytest.raises(ValidationError) as error:
        send(world, world["therapist"], body)
    assert "body" in error.value.message_dict
    assert not Message.objects.exists()


@pytest.mark.parametrize("kind", ["colleague", "other_therapist", "author", "other_patient"])
def test_people_who_cannot_see_the_episode_cannot_write(world, kind):
    with pytest.raises(ValidationError):
        send(world, world[kind], "Hi")
    assert not Message.objects.exists()


def test_a_patient_cannot_write_once_the_episode_has_ended(world):
    Episode.objects.filter(pk=world.episode.pk).update(status="ended")
    world.episode.refresh_from_db()
    with pytest.raises(ValidationError):
        send(world, world.patient.user, "Still there?")
    assert send(world, world["therapist"], "A last word").pk


def test_sending_deletes_the_authors_draft_and_is_audited(world):
    draft = actions.draft_for(world.episode, world["therapist"])
    actions.do_save_draft(world.episode, acting_user=world["therapist"], body="Half")
    actions.do_save_draft(world.episode, acting_user=world.patient.user, body="Mine")
    message = send(world, world["therapist"], "Whole", draft.submission_key)
    assert not MessageDraft.objects.filter(author=world["therapist"]).exists()
    assert MessageDraft.objects.filter(author=world.patient.user).exists()
    event = AuditEvent.objects.get(action="message.sent")
    assert event.actor == world["therapist"] and event.patient == world.patient
    assert event.object_id == str(message.pk)
    assert "Whole" not in str(event.changes)


def test_a_draft_keeps_the_text_and_the_key_for_every_tab(world):
    first = actions.draft_for(world.episode, world.patient.user)
    second = actions.draft_for(world.episode, world.patient.user)
    assert first.submission_key == second.submission_key
    saved = actions.do_save_draft(world.episode, acting_user=world.patient.user, body="So far")
    assert saved.body == "So far" and saved.submission_key == first.submission_key


def test_a_late_autosave_after_sending_keeps_nothing(world):
    draft = actions.draft_for(world.episode, world.patient.user)
    send(world, world.patient.user, "Sent", draft.submission_key)
    late = actions.do_save_draft(
        world.episode,
        acting_user=world.patient.user,
        body="Sent",
        submission_key=draft.submission_key,
    )
    assert late is None
    assert not MessageDraft.objects.exists()


def test_someone_outside_cannot_save_a_draft(world):
    with pytest.raises(ValidationError):
        actions.do_save_draft(world.episode, acting_user=world["colleague"], body="x")


def test_read_receipts_are_written_once_and_not_for_ones_own(world):
    mine = send(world, world.patient.user, "Mine")
    theirs = send(world, world["therapist"], "Theirs")
    assert actions.do_mark_read([mine, theirs], reader=world.patient.user) == 1
    first = MessageRead.objects.get()
    assert (first.message, first.user) == (theirs, world.patient.user)
    messages = list(Message.objects.prefetch_related("reads"))
    assert actions.do_mark_read(messages, reader=world.patient.user) == 0
    actions.do_mark_read([theirs], reader=world.patient.user)  # without prefetch
    assert MessageRead.objects.get().read_at == first.read_at


def test_an_automated_message_is_marked_and_answers_nothing(world):
    waiting = send(world, world.patient.user, "Hello?")
    key = uuid.uuid4()
    message = actions.do_send_automated_message(world.episode, body="Reminder", submission_key=key)
    assert message.is_automated and message.author is None
    assert actions.do_send_automated_message(world.episode, body="x", submission_key=key) == message
    waiting.refresh_from_db()
    assert waiting.answered_at is None


def test_the_same_words_sent_again_from_a_fresh_page_are_one_message(world):
    """Found at the edges: back to the conversation and the same message sent again (a
    fresh page, so a new key) made a second message, and told the patient twice."""
    first = send(world, world["therapist"], "See you on Tuesday")
    again = send(world, world["therapist"], "See you on Tuesday")
    assert again == first and again.sent_before
    assert Message.objects.filter(episode=world.episode, body="See you on Tuesday").count() == 1
    assert AuditEvent.objects.filter(action="message.sent").count() == 1


def test_the_same_words_after_a_reply_or_other_words_are_new_messages(world):
    send(world, world.patient.user, "Thanks")
    send(world, world["therapist"], "You are welcome")
    send(world, world.patient.user, "Thanks")
    send(world, world.patient.user, "Thanks again")
    assert Message.objects.filter(episode=world.episode, body="Thanks").count() == 2
    assert Message.objects.filter(episode=world.episode, body="Thanks again").count() == 1
