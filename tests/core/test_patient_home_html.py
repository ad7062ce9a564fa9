"""The patient home a person gets is, byte for byte (apart from the CSRF token, new on
every page), the page Django's own template tags draw from the same context (issue 16,
decision 0073): the project's kept drawing (``{% url %}`` and ``{% static %}`` kept per
process, the literal ``{% translate %}`` kept per language, ``{% blocktranslate %}``'s
translation kept, the ``date`` filter's output kept, the fragments kept per
language) changes the cost of the page, never the page. For every demo patient and
applicant (an open, an intake and an ended episode, applicants with and without an
application), in two languages, drawn first and again from what is kept."""

from __future__ import annotations

import copy
import re

import pytest
from django.conf import settings
from django.core.cache import caches
from django.template.backends.django import DjangoTemplates
from django.test import Client
from django.urls import reverse

from tessera.core import languages
from tessera.core.models import Episode, User
from tessera.portal.views import pages
from tests.conftest import sign_in

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def djangos_engine() -> DjangoTemplates:
    """The project's engine with Django's own tags where the project keeps drawings."""
    params = copy.deepcopy(settings.TEMPLATES[0])
    params.pop("BACKEND")
    params["NAME"] = "djangos_own"
    options = params["OPTIONS"]
    options["builtins"] = [b for b in options.get("builtins", []) if not b.startswith("tessera.")]
    options["libraries"] = {
        "cached_static": "django.templatetags.static",
        # Django's own date filter (the library of the builtin filters).
        "kept_dates": "django.template.defaultfilters",
    }
    return DjangoTemplates(params)


def without_token(html: str) -> str:
    return CSRF.sub('name="csrfmiddlewaretoken" value=""', html)


@pytest.fixture
def drawn_by_django_too(monkeypatch):
    """Each patient home also drawn by Django's own tags, from the same request and
    context, with nothing kept (the fragments emptied before and after)."""
    engine = djangos_engine()
    expected = []
    render = pages.render

    def both(request, name, context):
        caches["fragments"].clear()
        expected.append(engine.get_template(name).render(context, request))
        caches["fragments"].clear()
        return render(request, name, context)

    monkeypatch.setattr(pages, "render", both)
    return expected


@pytest.mark.parametrize("language", ["en", "sv"])
def test_every_demo_patients_home_is_the_page_djangos_tags_draw(
    seeded_demo, drawn_by_django_too, language
):
    # Everyone who signs in to a patient home (an account closed on leaving does not).
    people = [
        u for u in User.objects.filter(is_active=True).order_by("pk") if not u.is_staff_member
    ]
    statuses = set(
        Episode.objects.filter(patient__user__in=people).values_list("status", flat=True)
    )
    # The kinds of page: an open, an intake and an ended episode, and applicants.
    assert {Episode.Status.ACTIVE, Episode.Status.ENDED} <= statuses
    assert [u for u in people if not Episode.objects.filter(patient__user=u).exists()]
    compared = 0
    for person in people:
        client = Client()
        sign_in(client, person)
        session = client.session
        session[languages.LANGUAGE_SESSION_KEY] = language
        session.save()
        for _ in range(2):  # drawn, then drawn again from what is kept
            response = client.get(reverse("home"))
            assert response.status_code == 200
            html = response.content.decode()
            assert f'<html lang="{language}">' in html
            assert without_token(html) == without_token(drawn_by_django_too[-1]), person.email
            assert html.count("csrfmiddlewaretoken") == 2
            compared += 1
    assert compared == 2 * len(people) >= 2 * 15
