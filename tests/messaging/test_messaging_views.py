"""The conversation pages: sending once, drafts, receipts, quotes, audit and queries."""

import uuid

import pytest
from django.core import mail
from django.urls import reverse

from tessera.core.models import AuditEvent, Episode
from tessera.messaging import actions
from tessera.messaging.conversation import PAGE_SIZE
from tessera.messaging.models import Message, MessageDraft, MessageRead

ME = "/me/messages/"


def staff_url(world):
    return reverse("episode_messages", kwargs={"episode_id": world.episode.pk})


def many(world, n):
    for i in range(n):
        author = world["therapist"] if i % 2 else world.patient.user
        actions.do_send_message(
            world.episode, acting_user=author, body=f"Message {i}", submission_key=uuid.uuid4()
        )


def key_on(response) -> str:
    return str(response.context["form"]["submission_key"].value())


def test_the_patient_sends_once_however_often_the_form_is_posted(world, client, login):
    login(world.patient.user)
    page = client.get(ME)
    key = key_on(page)
    assert key_on(client.get(ME)) == key  # a second tab carries the same key
    for _ in range(3):
        response = client.post(ME, {"body": "Hello **there**", "submission_key": key})
        assert response.status_code == 302
    assert Message.objects.filter(episode=world.episode).count() == 1
    page = client.get(ME)
    assert "<strong>there</strong>" in page.content.decode()
    assert key_on(page) != key  # the next message gets a new key


def test_an_empty_message_is_refused_beside_the_field(world, client, login):
    login(world.patient.user)
    key = key_on(client.get(ME))
    response = client.post(ME, {"body": "  ", "submission_key": key})
    assert response.status_code == 200
    assert 'id="id_body_error"' in response.content.decode()
    assert not Message.objects.exists()


def test_markdown_is_sanitised(world, client, login):
    login(world["therapist"])
    key = key_on(client.get(staff_url(world)))
    body = "<script>alert(1)</script> [x](javascript:alert(1))"
    client.post(staff_url(world), {"body": body, "submission_key": key})
    html = client.get(staff_url(world)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html and 'href="javascript' not in html


def test_autosave_keeps_the_draft_and_the_page_shows_it(world, client, login):
    login(world.patient.user)
    key = key_on(client.get(ME))
    response = client.post(
        reverse("my_messages_draft"), {"body": "Half a thought", "submission_key": key}
    )
    assert response.status_code == 200 and b"Draft saved" in response.content
    assert MessageDraft.objects.get().body == "Half a thought"
    assert "Half a thought" in client.get(ME).content.decode()


def test_reading_marks_read_and_the_therapist_sees_the_receipt(world, client, login):
    actions.do_send_message(
        world.episode, acting_user=world["therapist"], body="Hi", submission_key=uuid.uuid4()
    )
    login(world["therapist"])
    assert "Not read by the patient yet" in client.get(staff_url(world)).content.decode()
    assert not MessageRead.objects.exists()  # one's own message is not read by oneself
    login(world.patient.user)
    client.get(ME)
    assert MessageRead.objects.get().user == world.patient.user
    login(world["therapist"])
    assert "Read by the patient" in client.get(staff_url(world)).content.decode()


def test_every_view_is_an_audited_read(world, client, login):
    login(world["therapist"])
    client.get(staff_url(world))
    login(world.patient.user)
    client.get(ME)
    events = AuditEvent.objects.filter(action="messages.viewed").order_by("id")
    assert [(e.actor, e.purpose) for e in events] == [
        (world["therapist"], "care"),
        (world.patient.user, "self"),
    ]
    assert all(e.patient == world.patient for e in events)


def test_the_staff_reply_quotes_a_sent_answer(world, client, login, sent_answer):
    login(world["therapist"])
    page = client.get(staff_url(world), {"answer": sent_answer.pk})
    assert "What happened: Walked to the lake" in page.content.decode()
    form = page.context["form"]
    client.post(
        staff_url(world),
        {
            "body": "Good work",
            "submission_key": key_on(page),
            "answer": sent_answer.pk,
            "quoted_text": form["quoted_text"].value(),
        },
    )
    message = Message.objects.get()
    assert message.quoted_answer == sent_answer
    sent_answer.refresh_from_db()
    assert sent_answer.feedback_by == world["therapist"]


def test_a_quote_from_another_episode_or_unsent_is_404(world, client, login, sent_answer):
    login(world["therapist"])
    assert client.get(staff_url(world), {"answer": "nope"}).status_code == 404
    assert client.get(staff_url(world), {"answer": sent_answer.pk + 999}).status_code == 404
    sent_answer.submitted_at = None
    sent_answer.save()
    assert client.get(staff_url(world), {"answer": sent_answer.pk}).status_code == 404


def test_the_staff_compose_has_the_hook_and_the_body_id(world, client, login):
    login(world["therapist"])
    html = client.get(staff_url(world)).content.decode()
    assert 'id="id_body"' in html and 'name="submission_key"' in html
    assert "hx-post" in html


def test_an_ended_episode_is_read_only_for_the_patient(world, client, login):
    actions.do_send_message(
        world.episode, acting_user=world["therapist"], body="Bye", submission_key=uuid.uuid4()
    )
    Episode.objects.filter(pk=world.episode.pk).update(status="ended")
    login(world.patient.user)
    page = client.get(ME)
    assert page.status_code == 200 and "Bye" in page.content.decode()
    assert 'id="id_body"' not in page.content.decode()
    # Sent from a page left open as the writing days ended: refused, and shown back to
    # copy (it was dropped with the redirect, without a word about it).
    response = client.post(ME, {"body": "I am <not> ok", "submission_key": str(uuid.uuid4())})
    assert response.status_code == 409
    text = response.content.decode()
    assert "Your message was not sent." in text and "I am &lt;not&gt; ok" in text
    assert "new messages cannot be sent" in text
    assert Message.objects.count() == 1
    empty = client.post(ME, {"body": " ", "submission_key": str(uuid.uuid4())})
    assert empty.status_code == 302


def test_notifications_say_nothing_clinical(
    world, client, login, django_capture_on_commit_callbacks
):
    login(world["therapist"])
    key = key_on(client.get(staff_url(world)))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(staff_url(world), {"body": "Your PHQ-9 score fell", "submission_key": key})
    login(world.patient.user)
    key = key_on(client.get(ME))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ME, {"body": "Secret worries", "submission_key": key})
    assert [m.to for m in mail.outbox] == [[world.patient.user.email], [world["therapist"].email]]
    for sent in mail.outbox:
        text = f"{sent.subject}\n{sent.body}"
        for forbidden in ["PHQ", "score", "Secret", "worries", "Pia", "Larsson"]:
            assert forbidden not in text
    assert "/me/messages/" in mail.outbox[0].body
    assert staff_url(world) in mail.outbox[1].body


def test_the_nav_and_home_show_unread_messages(world, client, login):
    actions.do_send_message(
        world.episode, acting_user=world["therapist"], body="Hi", submission_key=uuid.uuid4()
    )
    login(world.patient.user)
    home = client.get("/").content.decode()
    assert "Messages (1 new)" in home and "You have one unread message" in home
    client.get(ME)
    home = client.get("/").content.decode()
    assert "Messages (1 new)" not in home and "No unread messages" in home


@pytest.mark.parametrize("n", [3, PAGE_SIZE * 2 + 5])
def test_the_patient_page_runs_constant_queries(
    world, client, login, n, django_assert_max_num_queries
):
    many(world, n)
    login(world.patient.user)
    client.get(ME)  # receipts written once
    with django_assert_max_num_queries(21):
        response = client.get(ME)
    assert response.status_code == 200
    items = response.context["items"]
    assert len(items) == min(n, PAGE_SIZE)
    assert items[-1].message.body == f"Message {n - 1}"  # newest at the bottom


@pytest.mark.parametrize("n", [3, PAGE_SIZE * 2 + 5])
def test_the_staff_page_runs_constant_queries(
    world, client, login, n, django_assert_max_num_queries
):
    many(world, n)
    login(world["therapist"])
    client.get(staff_url(world))
    # 21 for the conversation, one to check the writer's own access, and the feedback
    # tools' template list (at most 3).
    with django_assert_max_num_queries(25):
        response = client.get(staff_url(world))
    assert response.status_code == 200
    if n > PAGE_SIZE:
        earlier = client.get(staff_url(world), {"page": 2}).context["items"]
        assert earlier[-1].message.body == f"Message {n - PAGE_SIZE - 1}"


def test_the_overview_section_loads_the_latest_five(world, django_assert_num_queries):
    from tessera.messaging import sections

    many(world, 8)
    section = next(s for s in sections.OVERVIEW if s.key == "messages")
    with django_assert_num_queries(1):
        context = section.load(None, world.episode)
    assert [m.body for m in context["messages_latest"]] == [f"Message {i}" for i in range(3, 8)]


def test_automated_messages_are_marked_as_such(world, client, login):
    actions.do_send_automated_message(
        world.episode, body="Your next module is open", submission_key=uuid.uuid4()
    )
    login(world.patient.user)
    html = client.get(ME).content.decode()
    assert "Sent automatically" in html and "Your next module is open" in html


def test_the_same_message_sent_again_from_a_fresh_page_is_sent_once(world, client, login):
    """Back to the conversation (a fresh page, a new key) and the same words sent again:
    one message, one notice to the patient, and the therapist is told."""
    login(world["therapist"])
    url = staff_url(world)
    client.post(url, {"body": "See you Tuesday", "submission_key": key_on(client.get(url))})
    mail.outbox.clear()
    again = client.post(
        url, {"body": "See you Tuesday", "submission_key": key_on(client.get(url))}, follow=True
    )
    assert Message.objects.filter(body="See you Tuesday").count() == 1
    assert "This message was already sent. Nothing was sent twice." in again.content.decode()
    assert mail.outbox == []
