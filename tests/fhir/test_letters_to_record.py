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


class BrokenAnswers:
    """A real server on a local port that answers each request with ``reply`` (raw bytes,
    not HTTP when it is garbage): a record system behind a broken proxy."""

    def __init__(self, reply: bytes):
        import socket
        import threading

        self.reply = reply
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.requests = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)
                self.requests += 1
                connection.sendall(self.reply)

    def close(self):
        self.listener.close()


@pytest.fixture
def broken_record_system():
    server = BrokenAnswers(b"this is not HTTP\r\n\r\n")
    yield server
    server.close()


def test_a_record_system_answering_garbage_is_a_failed_attempt(letter, broken_record_system):
    """Before: http.client's BadStatusLine is neither a URLError nor an OSError, so the
    worker raised, the attempt was not counted and the letter was pending for ever."""
    delivery = LetterDelivery.objects.get(letter=letter)
    RecordEndpoint.objects.filter(pk=delivery.endpoint_id).update(base_url=broken_record_system.url)
    moment = timezone.now()
    assert letters_out.deliver(delivery.pk, now=moment) == "pending"
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and "BadStatusLine" in delivery.last_error
    for attempt in range(1, letters_out.MAX_ATTEMPTS):
        moment += dt.timedelta(minutes=2**attempt)
        state = letters_out.deliver(delivery.pk, now=moment)
    assert state == "failed" and broken_record_system.requests == letters_out.MAX_ATTEMPTS
    assert not AuditEvent.objects.filter(action="fhir.letter_delivered").exists()


def test_a_letter_that_cannot_be_made_a_pdf_does_not_stop_the_sweep(
    letter, fhir_server, monkeypatch, capsys
):
    """One letter whose PDF fails (WeasyPrint raising: a font, Pango) counts as a failed
    attempt; the sweep goes on to the next letter and the rest of its work. Before: the
    sweep stopped at it each time, and the letters behind it were never sent."""
    second = do_write_letter(letter.episode, "ended", acting_user=None)
    real_pdf = letters_out.to_pdf

    def pdf_fails_for_the_first(one):
        if one.pk == letter.pk:
            raise RuntimeError("Pango could not lay out the page")
        return real_pdf(one)

    monkeypatch.setattr(letters_out, "to_pdf", pdf_fails_for_the_first)
    LetterDelivery.objects.update(next_attempt_at=timezone.now() - dt.timedelta(minutes=1))
    call_command("fhir_sweep")
    assert "letters sent 1, exports" in capsys.readouterr().out
    first = LetterDelivery.objects.get(letter=letter)
    assert (first.state, first.attempts) == ("pending", 1)
    assert "RuntimeError" in first.last_error
    assert LetterDelivery.objects.get(letter=second).state == "sent"
    assert len(stored(fhir_server)) == 1
