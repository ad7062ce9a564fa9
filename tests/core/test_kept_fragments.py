"""``{% cache None … using="fragments" %}`` kept in a dict of the process (decision
0077): what Django's tag shows, for each set of values it varies on, and nothing kept
for any other ``{% cache %}``."""

from __future__ import annotations

from django.core.cache import caches
from django.template import engines
from django.test import Client
from django.urls import reverse

from tessera.core import kept_fragments
from tests.conftest import sign_in


def _drawn(source: str, **context) -> str:
    return engines["django"].from_string("{% load cache %}" + source).render(context)


def test_a_fragment_is_drawn_once_for_each_value_it_varies_on():
    kept_fragments._KEPT.clear()
    source = '{% cache None t_greeting kind using="fragments" %}{{ text }}{% endcache %}'
    assert _drawn(source, kind="a", text="first") == "first"
    assert _drawn(source, kind="a", text="second") == "first"  # kept, as Django's tag
    assert _drawn(source, kind="b", text="second") == "second"
    # Varied on the text of each value, as Django's key is made: 1 and "1" alike.
    one = '{% cache None t_number n using="fragments" %}{{ text }}{% endcache %}'
    assert _drawn(one, n=1, text="int") == "int"
    assert _drawn(one, n="1", text="str") == "int"


def test_any_other_cache_tag_is_djangos(settings):
    kept_fragments._KEPT.clear()
    timed = '{% cache 60 t_timed using="fragments" %}{{ text }}{% endcache %}'
    assert _drawn(timed, text="first") == "first"
    assert _drawn(timed, text="second") == "first"  # in Django's cache
    assert not kept_fragments._KEPT
    caches["fragments"].clear()
    assert _drawn(timed, text="third") == "third"


def test_a_process_keeps_at_most_the_limit(monkeypatch):
    monkeypatch.setattr(kept_fragments, "LIMIT", 2)
    kept_fragments._KEPT.clear()
    source = '{% cache None t_many n using="fragments" %}{{ n }}{% endcache %}'
    assert [_drawn(source, n=n) for n in range(5)] == ["0", "1", "2", "3", "4"]
    assert len(kept_fragments._KEPT) <= 2


def test_a_changed_setting_forgets_what_was_kept(settings):
    _drawn('{% cache None t_setting using="fragments" %}x{% endcache %}')
    settings.STATIC_URL = "/elsewhere/"
    assert not kept_fragments._KEPT


def test_the_head_of_a_signed_in_page_is_not_a_visitors(world):
    signed_in = Client()
    sign_in(signed_in, world["patient"])
    for _ in range(2):
        page = signed_in.get(reverse("home")).content.decode()
        assert "tessera/local-data.js" in page and "tessera/idle.js" in page
        visitor = Client().get(reverse("account_login")).content.decode()
        assert "tessera/site.css" in visitor
        assert "local-data.js" not in visitor and "idle.js" not in visitor
