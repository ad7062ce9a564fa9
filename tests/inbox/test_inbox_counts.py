"""``{% inbox_counts %}`` writes, byte for byte, what the inbox template's loop over the
kinds wrote (the ``{% querystring %}`` links, the current kind, labels and counts)."""

from __future__ import annotations

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from tessera.inbox import items
from tessera.inbox.worklist import Tally

LOOP = (
    "{% for code, label, count in work.counts %}\n"
    '    <li><a href="{% querystring kind=code page=None %}" data-kind="{{ code }}"'
    '{% if kind == code %} aria-current="page"{% endif %}>{{ label }} ({{ count }})</a></li>\n'
    "    {% endfor %}"
)
TAG = "{% load inbox_tags %}{% inbox_counts work kind %}"


@pytest.mark.parametrize(
    "query",
    [
        "",
        "kind=reply",
        "therapist=all&group=patient&page=2",
        "page=3&kind=risk&therapist=12",
        "q=a%26b<c>&kind=nothing",
    ],
)
@pytest.mark.parametrize("language", ["en", "sv"])
def test_it_writes_what_the_loop_wrote(query, language):
    request = RequestFactory().get(f"/inbox/?{query}")
    work = Tally({kind: n * 7 for n, (kind, _label) in enumerate(items.KINDS)})
    work.tally[items.UNLOCK] = 1234
    kind = request.GET.get("kind", "")
    engine = engines["django"]
    with translation.override(language):
        context = {"work": work, "kind": kind}
        loop = engine.from_string(LOOP).render(context, request)
        tag = engine.from_string(TAG).render(context, request)
    assert tag == loop
    assert 'data-kind="risk"' in tag
