"""The demo conversation: welcome, feedback on the sent worksheet, a waiting question."""

from types import SimpleNamespace

from tessera.messaging import demo
from tessera.messaging.models import Message


def test_the_demo_conversation_is_seeded_once(world, sent_answer):
    ctx = SimpleNamespace(
        patients={"patient": world.patient}, staff={"therapist": world["therapist"]}
    )
    demo.seed(ctx)
    demo.seed(ctx)
    messages = list(Message.objects.filter(episode=world.episode))
    assert [m.from_patient for m in messages] == [False, False, True]
    assert messages[1].quoted_answer == sent_answer
    assert list(Message.objects.awaiting_reply()) == [messages[2]]
    sent_answer.refresh_from_db()
    assert sent_answer.feedback_by == world["therapist"]
