"""Control characters and lone surrogates in headers and cookies, and a forwarded address
that is no address: never a 5xx, and the sign-in attempt and the audit row are still
written (decision 0110). On PostgreSQL a NUL in the User-Agent was a 500 on signing in
(django-axes' attempt row), a NUL in the session cookie a 500 on every page (the
session's lookup), and ``X-Forwarded-For: garbage`` behind a proxy a 500 on every
audited request (the audit row's inet column)."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt, AccessLog
from django.test import Client, RequestFactory
from django.urls import reverse

from tessera.core.middleware import HostileHeadersMiddleware, client_ip
from tessera.core.models import AuditEvent
from tests.conftest import PASSWORD, sign_in

HOSTILE = ["Mozilla\x00/5.0", "Mozilla\ud800", "\x1b[31m"]


def _sign_in(client, email, password, **headers):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **headers)


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("header", ["HTTP_USER_AGENT", "HTTP_ACCEPT"])
def test_a_hostile_header_on_signing_in_is_no_error_and_the_attempt_is_kept(world, header, value):
    client = Client(raise_request_exception=False)
    failed = _sign_in(client, world["patient"].email, "wrong-password", **{header: value})
    assert failed.status_code == 200
    attempt = AccessAttempt.objects.get()
    assert "\x00" not in attempt.user_agent + attempt.http_accept
    assert attempt.failures_since_start == 1
    signed_in = _sign_in(client, world["patient"].email, PASSWORD, **{header: value})
    assert signed_in.status_code == 302
    assert AccessLog.objects.filter(username=world["patient"].email.lower()).exists()


@pytest.mark.parametrize(
    "value", ['"\\000abcdefghijkl"', "abc\x00defghijkl", '"\\033[31mabcdefgh"']
)
def test_a_session_cookie_with_control_characters_is_no_session(world, value):
    client = Client(raise_request_exception=False)
    response = client.get(reverse("my_details"), HTTP_COOKIE=f"sessionid={value}")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_signed_in_page_keeps_its_session_beside_a_hostile_cookie(world):
    client = sign_in(Client(raise_request_exception=False), world["patient"])
    session = client.cookies["sessionid"].value
    response = client.get(reverse("my_details"), HTTP_COOKIE=f'sessionid={session}; other="\\000x"')
    assert response.status_code == 200


def test_a_forwarded_address_that_is_no_address_is_not_recorded(world, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    client = sign_in(Client(raise_request_exception=False), world["manager"])
    for forwarded in ["garbage", "10.0.0.300", "fe80::1%eth0", "1.2.3.4:80"]:
        response = client.get(
            reverse("audit_search"), HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.9.9.9"
        )
        assert response.status_code == 200, forwarded
        assert AuditEvent.objects.filter(action="audit.searched").latest("pk").ip_address == (
            "10.9.9.9"
        )
    client.get(reverse("audit_search"), HTTP_X_FORWARDED_FOR="8.8.8.8, 192.0.2.7")
    assert AuditEvent.objects.filter(action="audit.searched").latest("pk").ip_address == (
        "192.0.2.7"
    )


def test_every_header_is_cleaned_and_only_hostile_cookies_are_dropped():
    request = RequestFactory().get(
        "/",
        HTTP_REFERER="https://x.test/\x00a",
        HTTP_ACCEPT_LANGUAGE="sv\x00",
        HTTP_X_ANYTHING="a\ud800b\x7f",
        HTTP_AUTHORIZATION="Bearer tok\x00en",
        HTTP_COOKIE='good=1; bad="\\000x"; django_language=sv',
    )
    seen = {}
    HostileHeadersMiddleware(lambda r: seen.update(meta=dict(r.META), cookies=r.COOKIES))(request)
    assert seen["meta"]["HTTP_REFERER"] == "https://x.test/a"
    assert seen["meta"]["HTTP_ACCEPT_LANGUAGE"] == "sv"
    assert seen["meta"]["HTTP_X_ANYTHING"] == "ab"
    assert seen["meta"]["HTTP_AUTHORIZATION"] == "Bearer token"
    assert seen["cookies"] == {"good": "1", "django_language": "sv"}
    assert client_ip(request) == "127.0.0.1"
