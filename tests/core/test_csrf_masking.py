"""The CSRF token a page carries is masked as Django masks it, new for every response
(BREACH), from the operating system's random bytes; only its cost changed (decision
0077). Django's own middleware accepts it and reads the cookie's secret out of it."""

from __future__ import annotations

import re

from django.middleware import csrf as django_csrf
from django.template import engines
from django.test import Client, RequestFactory
from django.urls import reverse

from tessera.core import context_processors
from tests.conftest import sign_in

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _request_with_cookie(secret: str):
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = secret
    return request


def test_it_masks_the_cookies_secret_as_django_unmasks_it():
    secret = django_csrf._get_new_csrf_string()
    request = _request_with_cookie(secret)
    tokens = {context_processors.masked_token(request) for _ in range(50)}
    assert len(tokens) == 50  # a new mask every time
    for token in tokens:
        assert len(token) == django_csrf.CSRF_TOKEN_LENGTH
        assert set(token) <= set(django_csrf.CSRF_ALLOWED_CHARS)
        assert django_csrf._unmask_cipher_token(token) == secret
    # As Django's get_token: the cookie is sent again, its expiry renewed.
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_it_draws_each_character_uniformly_from_random_bytes(monkeypatch):
    # 62 characters: bytes 0-247 map four times onto each, 248-255 are skipped.
    assert context_processors._UNIFORM_BELOW == 248
    given = iter([bytes([0, 61, 62, 247, 248, 255, 123, 5]), bytes([9] * 12)])
    monkeypatch.setattr(context_processors.os, "urandom", lambda n: next(given))
    chars = django_csrf.CSRF_ALLOWED_CHARS
    assert context_processors._random_string(8) == (
        chars[0]
        + chars[61]
        + chars[0]
        + chars[247 % 62]
        + chars[123 % 62]
        + chars[5]
        + chars[9] * 2
    )


def test_a_request_without_the_cookie_is_left_to_django():
    request = RequestFactory().get("/")
    token = context_processors.masked_token(request)
    assert django_csrf._unmask_cipher_token(token) == request.META["CSRF_COOKIE"]


def test_a_page_carries_one_token_per_response_that_the_middleware_accepts(world):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, world["patient"])
    first = client.get(reverse("home")).content.decode()
    second = client.get(reverse("home")).content.decode()
    tokens = TOKEN.findall(first)
    assert len(tokens) == 2 and len(set(tokens)) == 1  # the same token in both forms
    assert TOKEN.findall(second)[0] != tokens[0]  # masked anew for each response
    secret = client.cookies["csrftoken"].value
    assert django_csrf._unmask_cipher_token(tokens[0]) == secret
    refused = Client(enforce_csrf_checks=True)
    sign_in(refused, world["patient"])
    assert refused.post(reverse("set_language"), {"language": "sv"}).status_code == 403
    sent = client.post(
        reverse("set_language"), {"language": "sv", "csrfmiddlewaretoken": tokens[0]}
    )
    assert sent.status_code == 302


def test_the_token_is_masked_once_a_page_and_drawn_as_djangos_lazy_token():
    secret = django_csrf._get_new_csrf_string()
    request = _request_with_cookie(secret)
    token = context_processors.csrf(request)["csrf_token"]
    assert "CSRF_COOKIE_NEEDS_UPDATE" not in request.META  # not masked until drawn
    text = str(token)
    assert token and token == text and str(token) == text and len(token) == 64
    assert token != "NOTPROVIDED"
    assert django_csrf._unmask_cipher_token(text) == secret
    drawn = (
        engines["django"]
        .from_string("{% csrf_token %}|{{ csrf_token }}|{% if csrf_token %}yes{% endif %}")
        .render({"csrf_token": token})
    )
    assert drawn == f'<input type="hidden" name="csrfmiddlewaretoken" value="{text}">|{text}|yes'
