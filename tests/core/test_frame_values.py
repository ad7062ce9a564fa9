"""Values of base.html given ready by the frame's context processors (issue 16, decision
0088), as the template drew them: ``data-signed-in-as`` (local-data.js keeps typed text
per person) the signed-in person's id as ``{{ user.pk }}`` drew it (through the lazy user,
localised as a number), and the language form's ``next`` as ``{{ request.get_full_path
}}`` drew it (looked up through a caught ``TypeError``, escaped through Django's lazy
wrapper)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from tessera.core.context_processors import csrf, idle_warning
from tessera.core.models import User


def _drawn(text: str, context: dict) -> str:
    return engines["django"].from_string(text).render(context)


@pytest.mark.parametrize("pk", [7, 1234, 1_234_567])
@pytest.mark.parametrize("separator", [False, True])
def test_it_draws_the_id_as_user_pk_drew_it(pk, separator, settings):
    settings.USE_THOUSAND_SEPARATOR = separator
    user = User(pk=pk, email=f"u{pk}@example.org")
    request = RequestFactory().get("/")
    request.user = SimpleLazyObject(lambda: user)  # as the middleware gives it
    frame = idle_warning(request)
    assert _drawn("{{ signed_in_as }}", frame) == _drawn("{{ user.pk }}", {"user": request.user})


def test_a_visitor_has_no_id(rf):
    request = rf.get("/")
    request.user = AnonymousUser()
    assert "signed_in_as" not in idle_warning(request)


def test_the_page_carries_the_id_of_who_is_signed_in(world, login):
    for person in (world["patient"], world["therapist"]):
        page = login(person).get(reverse("home")).content.decode()
        assert f'data-signed-in-as="{person.pk}"' in page


@pytest.mark.parametrize(
    "path", ["/", "/me/messages/", "/a b/?next=/x&y=<z>", "/sök/?q=%C3%A5%22'&page=2"]
)
def test_it_gives_the_path_as_request_get_full_path_drew_it(path, rf):
    request = rf.get(path)
    drawn = _drawn("{{ next_path }}", csrf(request))
    assert drawn == _drawn("{{ request.get_full_path }}", {"request": request})


def test_the_language_form_comes_back_to_the_page(world, login):
    page = login(world["patient"]).get(reverse("home"), {"a": "1&2"}).content.decode()
    assert '<input name="next" type="hidden" value="/?a=1%262">' in page
