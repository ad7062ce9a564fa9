"""Letters to the record: a letter to an organisation with a registered endpoint reaches
a real FHIR server (a separate process on a local port, validating what it receives)
exactly once — across a worker that dies mid-way and across failures with backoff —
and is left to print when it cannot go."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from tessera.core.models import AuditEvent
from tessera.fhir import letters_out
from tessera.fhir.models import LetterDelivery, RecordEndpoint
from tessera.letters.actions import do_write_letter
from tests.fhir.record_fixtures import fill_episode

SERVER = Path(__file__).with_name("fhir_test_server.py")


@pytest.fixture
def fhir_server():
    process = subprocess.Popen([sys.executable, str(SERVER)], stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line.startswith("PORT "), line
        yield f"http://127.0.0.1:{line.split()[1]}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def stored(server: str) -> list[dict]:
    with urllib.request.urlopen(f"{server}/DocumentReference", timeout=10) as response:
        return [e["resource"] for e in json.load(response)["entry"]]


def fail_next(server: str, count: int) -> None:
    urllib.request.urlopen(urllib.request.Request(f"{server}/_fail/{count}", data=b""), timeout=10)


@pytest.fixture
def letter(world, fhir_server):
    fill_episode(world)  # writes a letter before the endpoint exists: nothing to send
    assert not LetterDelivery.objects.exists()
    call_command(
        "register_record_endpoint",
        *("--clinic", world.clinic.slug, "--organisation", "vc norr", "--url", fhir_server),
    )
    assert AuditEvent.objects.filter(action="fhir.record_endpoint_registered").exists()
    return do_write_letter(world.episode, "ended", acting_user=world["therapist"])


def test_a_letter_reaches_the_record_once(world, letter, fhir_server):
    delivery = LetterDelivery.objects.get(letter=letter)
    assert delivery.state == "pending"
    assert letters_out.deliver(delivery.pk) == "sent"
    (document,) = stored(fhir_server)
    assert document["masterIdentifier"]["value"] == str(letter.pk)
    assert document["content"][0]["attachment"]["contentType"] == "application/pdf"
    assert letters_out.deliver(delivery.pk) == "sent"  # again: nothing is posted
    assert len(stored(fhir_server)) == 1
    delivery.refresh_from_db()
    assert delivery.remote_id == "DocumentReference/1" and delivery.sent_at
    event = AuditEvent.objects.filter(action="fhir.letter_delivered").get()
    assert event.patient == world.patient


class WorkerKilled(BaseException):
    """The worker process dies: nothing after this line runs."""


def test_exactly_once_across_a_worker_restart(letter, fhir_server, monkeypatch):
    delivery = LetterDelivery.objects.get(letter=letter)
    real_post = letters_out._post

    def post_then_die(*args, **kwargs):
        real_post(*args, **kwargs)
        raise WorkerKilled

    monkeypatch.setattr(letters_out, "_post", post_then_die)
    with pytest.raises(WorkerKilled):
        letters_out.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == "pending" and len(stored(fhir_server)) == 1
    monkeypatch.setattr(letters_out, "_post", real_post)  # the restarted worker
    assert letters_out.deliver(delivery.pk) == "sent"
    assert len(stored(fhir_server)) == 1


def test_failures_are_retried_with_backoff_then_left_to_print(letter, fhir_server):
    delivery = LetterDelivery.objects.get(letter=letter)
    now = timezone.now()
    fail_next(fhir_server, 2)
    assert letters_out.deliver(delivery.pk, now=now) == "pending"
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.next_attempt_at == now + dt.timedelta(minutes=1)
    assert "HTTPError" in delivery.last_error
    assert letters_out.deliver(delivery.pk, now=now) == "pending"  # not due yet: no try
    assert LetterDelivery.objects.get(pk=delivery.pk).attempts == 1
    later = now + dt.timedelta(minutes=1)
    assert letters_out.deliver(delivery.pk, now=later) == "pending"
    assert list(letters_out.due_deliveries(later + dt.timedelta(minutes=2))) == [delivery.pk]
    assert letters_out.deliver(delivery.pk, now=later + dt.timedelta(minutes=2)) == "sent"
    assert len(stored(fhir_server)) == 1

    second = do_write_letter(letter.episode, "ended", acting_user=None)
    pending = LetterDelivery.objects.get(letter=second)
    fail_next(fhir_server, letters_out.MAX_ATTEMPTS)
    moment = timezone.now()
    for attempt in range(letters_out.MAX_ATTEMPTS):
        state = letters_out.deliver(pending.pk, now=moment)
        moment += dt.timedelta(minutes=2**attempt)
    assert state == "failed"
    assert LetterDelivery.objects.get(pk=pending.pk).state == "failed"
    assert len(stored(fhir_server)) == 1


def test_no_endpoint_no_delivery(world, fhir_server):
    fill_episode(world)
    RecordEndpoint.objects.create(
        clinic=world.other_clinic, organisation="VC Norr", base_url=fhir_server
    )
    do_write_letter(world.episode, "ended", acting_user=world["therapist"])
    assert not LetterDelivery.objects.exists()


def test_the_letter_page_shows_the_delivery_state(client, world, letter, fhir_server):
    from django.urls import reverse

    from tests.conftest import sign_in

    sign_in(client, world["therapist"])
    url = reverse("letter_detail", args=[letter.pk])
    assert "waiting to be sent to the record" in client.get(url).content.decode()
    letters_out.deliver(LetterDelivery.objects.get(letter=letter).pk)
    page = client.get(url).content.decode()
    assert "delivered to the record" in page and "secure channel" not in page
    first = world.letter  # written before the endpoint: no delivery, print as before
    assert (
        "secure channel" in client.get(reverse("letter_detail", args=[first.pk])).content.decode()
    )


def test_the_sweep_retries_due_letters(letter, fhir_server, capsys):
    delivery = LetterDelivery.objects.get(letter=letter)
    LetterDelivery.objects.filter(pk=delivery.pk).update(
        attempts=1, next_attempt_at=timezone.now() - dt.timedelta(minutes=1)
    )
    call_command("fhir_sweep")
    assert "letters sent 1" in capsys.readouterr().out
    assert LetterDelivery.objects.get(pk=delivery.pk).state == "sent"
    assert len(stored(fhir_server)) == 1
