"""What record systems send by mistake to POST /fhir/ServiceRequest: each is a 4xx with an
OperationOutcome that says why, and no application is written."""

import json

import pytest

from tessera.intake.models import Application
from tests.fhir.test_fhir_referral_intake import BODY, referrer  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

TEXT = json.dumps(BODY, ensure_ascii=False)
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40)


def send(client, token, raw: bytes):
    return client.generic(
        "POST",
        "/fhir/ServiceRequest",
        raw,
        content_type="application/fhir+json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        CONTENT_TYPE="application/fhir+json",  # the test client leaves it out of an empty body
    )


def diagnostics(response) -> str:
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    return " ".join(issue.get("diagnostics", "") for issue in outcome["issue"])


@pytest.mark.parametrize(
    ("raw", "status", "words"),
    [
        (b"", 400, "not valid JSON"),
        (PDF, 400, "not valid JSON"),
        (PNG, 400, "not valid JSON"),
        (TEXT.encode("utf-16"), 400, "not valid JSON"),
        (TEXT.encode("latin-1"), 400, "not valid JSON"),
        (b"[" * 10_000 + b"]" * 10_000, 400, "nested deeper"),
        (b'{"resourceType": "ServiceRequest", "x": "' + b"a" * 1_100_000 + b'"}', 413, "1 MB"),
        (b'{"resourceType": "ServiceRequest", "x": "' + b"a" * 3_000_000 + b'"}', 413, "1 MB"),
    ],
    ids=["empty", "pdf", "png", "utf16", "latin1", "deep", "over-limit", "over-django-limit"],
)
def test_a_body_that_cannot_be_a_referral_is_a_readable_4xx(client, referrer, raw, status, words):  # noqa: F811
    response = send(client, referrer[1], raw)
    assert response.status_code == status
    assert words in diagnostics(response)
    assert not Application.objects.exists()


def test_a_referral_with_a_byte_order_mark_is_read(client, referrer):  # noqa: F811
    """A spreadsheet-era system writes UTF-8 with a BOM; the JSON after it is a referral."""
    response = send(client, referrer[1], "\ufeff".encode() + TEXT.encode())
    assert response.status_code == 201, response.content
    assert Application.objects.count() == 1


def test_a_record_system_posts_without_a_browsers_csrf_token(referrer):  # noqa: F811
    """A record system has no CSRF cookie: the referral endpoint is exempt, as the other
    endpoints systems post to are (a decorator moved onto a helper by mistake left the
    view without it, and every referral sent over HTTP was refused with 403)."""
    from django.test import Client
    from django.urls import resolve

    response = send(Client(enforce_csrf_checks=True), referrer[1], TEXT.encode())
    assert response.status_code == 201, response.content[:200]
    for path in (
        "/fhir/ServiceRequest",
        "/fhir/auth/token",
        "/fhir/bulk/00000000-0000-0000-0000-000000000000",
    ):
        assert getattr(resolve(path).func, "csrf_exempt", False), path
