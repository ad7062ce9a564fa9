"""A self-help course with nobody named to read the patient's work never promises them a
therapist or a talk (``core.care_words``: "An unguided course must never promise a
therapist"), on any page of the patient's menu or the pages behind it. Found on a walk
of the demo's self-help patient (decision 0157): the path promised "a talk about what
comes after" and the notification settings "a message from your therapist"."""

from __future__ import annotations

import re
import uuid

from django.test import RequestFactory
from django.urls import reverse

from tessera.core.models import Episode
from tessera.messaging.actions.messages import do_send_automated_message
from tessera.portal.navigation import navigation

PROMISES = re.compile(r"\b(therapist|talk|care team)\b", re.I)


def _menu(user) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    return [str(href) for href, _label in navigation(request)["nav"]]


def _visible(html: str) -> str:
    main = html.split("<main", 1)[-1].split("</main>", 1)[0]
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def test_no_page_of_a_self_help_patient_promises_a_therapist(world, login):
    Episode.objects.filter(pk=world.episode.pk).update(care_model="unguided", therapist=None)
    # The clinic's automated message of the course waits unread (the home's notice).
    do_send_automated_message(
        world.episode, body="Welcome to the course.", submission_key=uuid.uuid4()
    )
    client = login(world.patient.user)
    assert "unread message from the clinic" in client.get(reverse("home")).content.decode()
    pages = [reverse("home"), *_menu(world.patient.user), reverse("my_sessions")]
    pages += [reverse("my_notifications")]
    # The access log says who opened the record, by role ("Therapist at …"): a fact of
    # the past, not a promise.
    pages = [p for p in pages if p != reverse("my_access_log")]
    found = []
    for path in dict.fromkeys(pages):
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        text = _visible(response.content.decode())
        found += [
            f"{path}: …{text[max(0, m.start() - 60) : m.end() + 60]}…"
            for m in PROMISES.finditer(text)
        ]
    assert not found, "\n".join(found)
