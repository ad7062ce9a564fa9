"""A real mail server on a local port that refuses, is not there, or says nothing: the
notification is kept, tried again later, and sent once when the server is back
(decision 0141). Before, a server that accepted the connection and then said nothing
held the worker for ever: no EMAIL_TIMEOUT was set, so smtplib waited without end, and
every notification behind it (risk alerts too) waited with it."""

from __future__ import annotations

import socket
import threading

import pytest
from django.conf import settings as live_settings

from tessera.notifications import delivery


class LocalMailServer:
    """An SMTP server on 127.0.0.1: ``mode`` "refuse" answers 451 to every recipient,
    "accept" takes the message, "silent" accepts the connection and never answers."""

    def __init__(self, mode: str):
        self.mode = mode
        self.received: list[bytes] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:
                return
            self.open.append(connection)
            if self.mode != "silent":
                threading.Thread(target=self._talk, args=(connection,), daemon=True).start()

    def _talk(self, connection):
        reader = connection.makefile("rb")

        def say(line: str):
            connection.sendall(line.encode() + b"\r\n")

        say("220 mail.clinic.test ESMTP")
        while line := reader.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                say("250 mail.clinic.test")
            elif verb == b"MAIL":
                say("250 2.1.0 Ok")
            elif verb == b"RCPT":
                say("451 4.3.0 Try again later" if self.mode == "refuse" else "250 2.1.5 Ok")
            elif verb == b"DATA":
                say("354 End data with <CR><LF>.<CR><LF>")
                body = b""
                while (chunk := reader.readline()) not in (b".\r\n", b""):
                    body += chunk
                self.received.append(body)
                say("250 2.0.0 Queued")
            elif verb == b"QUIT":
                say("221 2.0.0 Bye")
                break
            else:
                say("250 Ok")
        connection.close()

    def close(self):
        self.listener.close()
        for connection in self.open:
            connection.close()


@pytest.fixture
def smtp(settings):
    servers = []

    def start(mode: str) -> LocalMailServer:
        server = LocalMailServer(mode)
        servers.append(server)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        return server

    yield start
    for server in servers:
        server.close()


def notify_patient(world, key="message:1"):
    (row,) = delivery.notify(world.patient.user, "new_message", key=key, link="/me/messages/")
    return row


def test_a_refusing_mail_server_keeps_the_notification_for_a_retry(world, smtp):
    refusing = smtp("refuse")
    row = notify_patient(world)
    assert delivery.deliver(row.pk) == "intended"
    row.refresh_from_db()
    assert (row.attempts, row.error_code) == (1, "SMTPRecipientsRefused")
    assert row.send_after is not None and refusing.received == []
    accepting = smtp("accept")  # the server is back; the retry comes due
    assert delivery.deliver(row.pk, now=row.send_after) == "sent"
    assert delivery.deliver(row.pk, now=row.send_after) == "sent"  # again: nothing sent
    assert len(accepting.received) == 1
    assert row.message_id.encode() in accepting.received[0]


def test_no_mail_server_listening_is_a_retry(world, settings):
    with socket.socket() as probe:  # a local port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    row = notify_patient(world)
    assert delivery.deliver(row.pk) == "intended"
    row.refresh_from_db()
    assert row.error_code == "ConnectionRefusedError" and row.send_after is not None


def test_a_silent_mail_server_does_not_hold_the_worker(world, smtp, settings):
    """The project sets a bounded EMAIL_TIMEOUT (Django's default is none: smtplib waits
    for ever); the test then shortens it to one second, to be quick."""
    assert 0 < (live_settings.EMAIL_TIMEOUT or 0) <= 30, "a silent server holds the worker"
    smtp("silent")
    settings.EMAIL_TIMEOUT = 1
    row = notify_patient(world)
    assert delivery.deliver(row.pk) == "intended"
    row.refresh_from_db()
    assert row.error_code in ("TimeoutError", "SMTPServerDisconnected")
    assert row.send_after is not None
