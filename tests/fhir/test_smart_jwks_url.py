"""Clients registered with a JWKS URL: their keys are fetched over real HTTP from a small
server on 127.0.0.1, cached, fetched again for a new ``kid`` (key rotation), and refused
when the set is too large, not JSON, redirected, or not on https outside the tests."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from jwt.algorithms import ECAlgorithm

from tessera.fhir.actions import do_register_system_client
from tessera.fhir.models import SystemClient
from tessera.fhir.smart import jwks_url
from tests.fhir.smart_helpers import KeyPair, token_form

AUD = "http://testserver/fhir/auth/token"


class KeyServer:
    """Serves ``self.body`` at /jwks.json and counts the requests."""

    def __init__(self):
        self.body: bytes = b"{}"
        self.status = 200
        self.location = ""
        self.hits = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                server.hits += 1
                self.send_response(server.status)
                if server.location:
                    self.send_header("Location", server.location)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/jwks.json"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def publish(self, *pairs: KeyPair) -> None:
        self.body = json.dumps({"keys": [key for p in pairs for key in p.jwks["keys"]]}).encode()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def key_server(settings):
    settings.TESSERA_FHIR_JWKS_HTTP_HOSTS = ["127.0.0.1"]
    server = KeyServer()
    yield server
    server.close()


def _register(world, url):
    return do_register_system_client(
        name="EHR Syd", jwks_uri=url, scope="system/*.rs", clinic=world.clinic
    )


def _token(client, keys, ehr):
    return client.post("/fhir/auth/token", token_form(keys.assertion(ehr.client_id, AUD)))


def test_keys_are_fetched_at_registration_and_cached(client, world, key_server):
    keys = KeyPair()
    key_server.publish(keys)
    ehr = _register(world, key_server.url)
    assert key_server.hits == 1
    assert ehr.jwks_uri == key_server.url and ehr.jwks == keys.jwks
    for _ in range(3):
        assert _token(client, keys, ehr).status_code == 200
    assert key_server.hits == 1  # the cached set served every assertion


def test_a_stale_cache_is_fetched_again(client, world, key_server, settings):
    keys = KeyPair()
    key_server.publish(keys)
    ehr = _register(world, key_server.url)
    later = timezone.now() + timezone.timedelta(seconds=settings.TESSERA_FHIR_JWKS_CACHE_SECONDS)
    with time_machine.travel(later + timezone.timedelta(minutes=1)):
        assert _token(client, keys, ehr).status_code == 200
    assert key_server.hits == 2
    assert SystemClient.objects.get(pk=ehr.pk).jwks_fetched_at > ehr.jwks_fetched_at


def test_a_rotated_key_is_found_by_fetching_again_at_most_once_a_minute(client, world, key_server):
    old = KeyPair(kid="old")
    key_server.publish(old)
    ehr = _register(world, key_server.url)
    new = KeyPair(kid="new")
    key_server.publish(new)
    # Within the first minute an unknown kid does not make Tessera fetch again.
    assert _token(client, new, ehr).status_code == 401
    assert key_server.hits == 1
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=2)):
        assert _token(client, new, ehr).status_code == 200
        assert key_server.hits == 2
        # The old key is gone from the published set.
        refused = _token(client, old, ehr)
    assert refused.status_code == 401
    assert "kid" in refused.json()["error_description"]


def test_an_unreachable_jwks_url_refuses_the_assertion(client, world, key_server, settings):
    keys = KeyPair()
    key_server.publish(keys)
    ehr = _register(world, key_server.url)
    key_server.status = 500
    later = timezone.now() + timezone.timedelta(
        seconds=settings.TESSERA_FHIR_JWKS_CACHE_SECONDS + 60
    )
    with time_machine.travel(later):
        refused = _token(client, keys, ehr)
    assert refused.status_code == 401
    assert "answered 500" in refused.json()["error_description"]


def test_a_jwks_url_answering_json_that_is_not_an_object_refuses(
    client, world, key_server, settings
):
    """Decision 0141. Before: a JSON list from the URL was stored as the client's key set
    (refused once), and every later request for a token was a server error."""
    keys = KeyPair()
    key_server.publish(keys)
    ehr = _register(world, key_server.url)
    stale = timezone.now() + timezone.timedelta(
        seconds=settings.TESSERA_FHIR_JWKS_CACHE_SECONDS + 60
    )
    key_server.body = b'["not", "a", "key set"]'
    with time_machine.travel(stale):
        for _ in range(2):
            refused = _token(client, keys, ehr)
            assert refused.status_code == 401
            assert "JSON object" in refused.json()["error_description"]
    assert SystemClient.objects.get(pk=ehr.pk).jwks == keys.jwks  # the good set is kept


def test_too_large_not_json_and_redirected_sets_are_refused(world, key_server):
    key_server.body = b'{"keys": [' + b" " * (70 * 1024) + b"]}"
    with pytest.raises(ValidationError, match="larger than 64 KiB"):
        _register(world, key_server.url)
    key_server.body = b"<html>"
    with pytest.raises(ValidationError, match="did not answer JSON"):
        _register(world, key_server.url)
    key_server.body, key_server.status = b"", 302
    key_server.location = "http://127.0.0.1:1/elsewhere"
    with pytest.raises(ValidationError, match="answered 302"):
        _register(world, key_server.url)
    assert not SystemClient.objects.exists()


def test_private_keys_at_the_url_are_refused(world, key_server):
    keys = KeyPair()
    private = json.loads(ECAlgorithm.to_jwk(keys.private))
    key_server.body = json.dumps({"keys": [{**private, "kid": "k"}]}).encode()
    with pytest.raises(ValidationError, match="public keys only"):
        _register(world, key_server.url)


def test_only_https_outside_the_listed_hosts(world, settings):
    settings.TESSERA_FHIR_JWKS_HTTP_HOSTS = []
    with pytest.raises(ValidationError, match="https"):
        _register(world, "http://127.0.0.1:9/jwks.json")
    with pytest.raises(ValueError, match="https"):
        jwks_url.check_url("file:///etc/passwd")
    assert jwks_url.check_url("https://ehr.example/jwks.json")


def test_the_command_registers_a_client_by_url(world, key_server, capsys):
    key_server.publish(KeyPair())
    call_command(
        "register_fhir_client",
        "--name=EHR Syd",
        f"--jwks-url={key_server.url}",
        "--scope=system/*.rs",
        f"--clinic={world.clinic.slug}",
    )
    client_id = capsys.readouterr().out.strip()
    assert SystemClient.objects.get(client_id=client_id).jwks_uri == key_server.url
    call_command("list_fhir_clients")
    assert f"keys from {key_server.url}" in capsys.readouterr().out
    with pytest.raises(CommandError, match="either a JWKS or a JWKS URL|not allowed"):
        call_command(
            "register_fhir_client",
            "--name=Both",
            f"--jwks-url={key_server.url}",
            "--jwks-file=/nonexistent",
            "--scope=system/*.rs",
            f"--clinic={world.clinic.slug}",
        )


def test_a_jwks_url_that_does_not_answer_http_is_refused(world, settings):
    """Decision 0141. Before: http.client's BadStatusLine (not an OSError) came out of
    the fetch: a server error at registration and at the token endpoint."""
    import socket

    settings.TESSERA_FHIR_JWKS_HTTP_HOSTS = ["127.0.0.1"]
    listener = socket.create_server(("127.0.0.1", 0))

    def answer_garbage():
        connection, _address = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"this is not HTTP\r\n\r\n")

    worker = threading.Thread(target=answer_garbage, daemon=True)
    worker.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/jwks.json"
    try:
        with pytest.raises(ValidationError, match="cannot be reached"):
            _register(world, url)
    finally:
        worker.join(timeout=10)
        listener.close()
    assert not SystemClient.objects.exists()
