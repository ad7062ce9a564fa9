"""A request refused and said by a message reaches the person: the refusal is an alert
region that errors.js focuses on load; success and information stay a polite status
line (decision 0125)."""

from __future__ import annotations

import re
import uuid

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from tessera.core.models import Episode
from tessera.core.refusals import say_refused
from tests.conftest import sign_in

ALERT = re.compile(
    r'<div class="messages messages-refused" role="alert" tabindex="-1" data-refusal>(.*?)</div>',
    re.S,
)
STATUS = re.compile(r'<div class="messages" role="status">(.*?)</div>', re.S)


def _page(method: str, said) -> str:
    request = getattr(RequestFactory(), method)("/")
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    request.user = AnonymousUser()
    said(request)
    return render_to_string("base.html", request=request)


def _regions(html: str) -> tuple[str, str]:
    alert, status = ALERT.search(html), STATUS.search(html)
    return (alert.group(1) if alert else ""), (status.group(1) if status else "")


def test_it_makes_an_error_an_alert_and_a_success_a_status(db):
    def said(request):
        messages.success(request, "The note was added.")
        messages.error(request, "Nothing was changed: the reason is missing.")

    alert, status = _regions(_page("post", said))
    assert "Nothing was changed: the reason is missing." in alert
    assert 'class="message message-error"' in alert
    assert "The note was added." in status and "Nothing was changed" not in status


def test_it_makes_a_warning_an_alert(db):
    alert, status = _regions(_page("post", lambda r: messages.warning(r, "Check this.")))
    assert "Check this." in alert and not status


def test_it_makes_nothing_done_an_alert_after_a_post_only(db):
    alert, status = _regions(_page("post", lambda r: say_refused(r, "Already done.")))
    assert "Already done." in alert and 'class="message message-info"' in alert and not status
    alert, status = _regions(_page("get", lambda r: say_refused(r, "Already done.")))
    assert not alert and "Already done." in status


def test_errors_js_focuses_a_refusal_when_there_is_no_error_summary():
    from django.conf import settings

    script = (settings.BASE_DIR / "tessera" / "static" / "tessera" / "errors.js").read_text()
    assert 'querySelector(".error-summary") || document.querySelector("[data-refusal]")' in script


def test_a_message_sent_twice_is_said_as_a_refusal(world, client):
    sign_in(client, world["therapist"])
    url = reverse("episode_messages", args=[world.episode.pk])
    data = {"body": "See you on Monday.", "submission_key": str(uuid.uuid4())}
    first = client.post(url, data, follow=True)
    assert "Your message has been sent." in _regions(first.content.decode())[1]
    # Back, then the same words sent again from the page as it was (a new key).
    data["submission_key"] = str(uuid.uuid4())
    again = client.post(url, data, follow=True)
    assert "Nothing was sent twice." in _regions(again.content.decode())[0]


def test_a_patient_writing_when_nobody_reads_is_refused_by_an_alert(world, client):
    Episode.objects.filter(pk=world.episode.pk).update(therapist=None)  # the therapist left
    sign_in(client, world.patient.user)
    data = {"body": "Hello?", "submission_key": str(uuid.uuid4())}
    response = client.post(reverse("my_messages"), data, follow=True)
    alert, status = _regions(response.content.decode())
    assert "Nobody reads messages in this course." in alert and not status
