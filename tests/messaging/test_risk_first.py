"""Risk first: a reply to a patient with an open risk alert, or answering their words of
self-harm or suicide, gets the safety warning first and is not sent until the therapist
ticks that they have addressed it (issue 12)."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tessera.core.models import AuditEvent
from tessera.feedback.check import Context, check_draft
from tessera.messaging import actions
from tessera.messaging.models import Message
from tessera.safety import actions as safety
from tessera.treatment.actions import plans as plan_actions
from tests.plan_fixtures import build_plan

DRAFT = "Thank you for filling in your diary. This week, try to plan one activity a day."


def send(world, user, body="Hello", **extra):
    return actions.do_send_message(
        world.episode, acting_user=user, body=body, submission_key=uuid.uuid4(), **extra
    )


@pytest.fixture
def open_alert(world):
    return safety.do_raise_concern(
        world.episode, acting_user=world["therapist"], concern="Low and withdrawn.", severity="high"
    )


class TestTheCheck:
    def test_risk_words_in_the_patient_text_come_first(self):
        context = Context(patient_words="Some nights I want to die. I did the diary.")
        remarks = check_draft(DRAFT, "en", context)
        first = remarks[0]
        assert first.code == "safety_first" and not first.met
        assert first.message.startswith("Address safety first.")
        assert "\u201cwant to die\u201d" in first.message
        assert first.evidence == ["\u201cwant to die\u201d"]

    def test_an_open_alert_comes_first(self):
        remarks = check_draft(DRAFT, "en", Context(open_risk_alerts=1))
        assert remarks[0].code == "safety_first"
        assert "open risk alert" in remarks[0].message

    def test_no_risk_no_safety_remark(self):
        remarks = check_draft(DRAFT, "en", Context(patient_words="I walked to the lake."))
        assert "safety_first" not in [r.code for r in remarks]

    def test_paxling_is_not_credited_with_alliance_bolstering(self):
        remarks = check_draft(DRAFT, "en", Context())
        reason = next(r.reason for r in remarks if r.code == "personalises")
        assert "alliance bolstering did not" in reason

    def test_the_check_page_warns_first_for_an_episode_with_an_open_alert(
        self, world, client, login, open_alert
    ):
        login(world["therapist"])
        url = reverse("feedback_check", args=[world.episode.pk])
        body = client.post(url, {"body": DRAFT}, HTTP_HX_REQUEST="true").content.decode()
        first = body.index('data-code="', body.index("feedback-remarks"))
        assert body[first:].startswith('data-code="safety_first"')
        assert "correlational" in body


class TestSending:
    def test_an_open_alert_stops_a_reply_until_acknowledged(self, world, open_alert):
        with pytest.raises(ValidationError) as err:
            send(world, world["therapist"], DRAFT)
        assert "risk_acknowledged" in err.value.message_dict
        assert not Message.objects.filter(episode=world.episode).exists()
        message = send(world, world["therapist"], DRAFT, risk_acknowledged=True)
        event = AuditEvent.objects.get(action="message.sent", object_id=str(message.pk))
        assert event.changes["risk_acknowledged"] is True

    def test_risk_words_in_a_waiting_message_stop_a_reply(self, world):
        send(world, world.patient.user, "I keep thinking I'd be better off dead.")
        with pytest.raises(ValidationError):
            send(world, world["therapist"], DRAFT)
        send(world, world["therapist"], DRAFT, risk_acknowledged=True)
        # Answered: the next reply is not stopped by words already addressed.
        send(world, world["therapist"], "See you next week.")

    def test_risk_words_in_the_quoted_answer_stop_a_reply(self, world):
        plan = build_plan(world)
        answer = plan_actions.do_submit_worksheet(
            plan.entry,
            plan.activity.steps.get(position=2),
            {"situation": "I thought about how to kill myself.", "mood": "2", "diary": []},
            acting_user=world.patient.user,
        )
        with pytest.raises(ValidationError):
            send(world, world["therapist"], DRAFT, quoted_answer=answer)
        send(world, world["therapist"], DRAFT, quoted_answer=answer, risk_acknowledged=True)

    def test_without_risk_nothing_is_asked(self, world):
        send(world, world.patient.user, "I went for a walk.")
        message = send(world, world["therapist"], DRAFT)
        event = AuditEvent.objects.get(action="message.sent", object_id=str(message.pk))
        assert event.changes["risk_acknowledged"] is False

    def test_a_patient_is_never_stopped(self, world, open_alert):
        send(world, world.patient.user, "I want to die")


class TestThePage:
    def url(self, world):
        return reverse("episode_messages", kwargs={"episode_id": world.episode.pk})

    def test_the_warning_comes_before_the_reply_and_the_tick_is_needed(
        self, world, client, login, open_alert
    ):
        login(world["therapist"])
        page = client.get(self.url(world))
        html = page.content.decode()
        assert 'id="risk-first"' in html
        assert html.index('id="risk-first"') < html.index('id="id_body"')
        key = str(page.context["form"]["submission_key"].value())
        refused = client.post(self.url(world), {"body": DRAFT, "submission_key": key})
        assert refused.status_code == 200
        assert "Address their safety in your reply" in refused.content.decode()
        sent = client.post(
            self.url(world), {"body": DRAFT, "submission_key": key, "risk_acknowledged": "on"}
        )
        assert sent.status_code == 302
        assert Message.objects.filter(episode=world.episode, body=DRAFT).count() == 1

    def test_no_warning_without_risk(self, world, client, login):
        login(world["therapist"])
        assert 'id="risk-first"' not in client.get(self.url(world)).content.decode()
