"""A consent text published twice (a double click on "Publish", back and send again):
found sending every page's forms twice. Each made a new version with the same words,
a second "consent published" in the study's trail, and the number a participant's
consent points to moved on for nothing. Now the same words in the same language are
the version already published, and the page says so; other words are a new version."""

from __future__ import annotations

import re

from django.urls import reverse

from tessera.research import actions
from tessera.research.models import AllocationSlot, ConsentVersion
from tests.research.fixtures import build_study


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_the_same_consent_text_published_twice_is_one_version(world, login):
    ns = build_study(world)
    client = login(ns.investigator)
    url = reverse("study_consent_publish", args=[ns.study.pk])
    body = {"language": "en", "text": "You may take part in CALM. You may stop at any time."}
    first = client.post(url, body, follow=True)
    assert "The consent text was published." in _messages(first)
    versions = list(ConsentVersion.objects.filter(study=ns.study).values_list("pk", flat=True))
    again = client.post(url, body, follow=True)  # a double click, a retry
    assert again.status_code == 200
    assert list(ConsentVersion.objects.filter(study=ns.study).values_list("pk", flat=True)) == (
        versions
    )
    assert "This text is already the published consent (version 2)." in _messages(again)
    # Other words, or the same words in another language, are a new version.
    client.post(url, body | {"language": "sv"})
    client.post(url, body | {"text": "You may take part in CALM, and stop when you like."})
    assert ConsentVersion.objects.filter(study=ns.study).count() == len(versions) + 2


def test_the_sequence_extended_twice_from_one_page_is_extended_once(world, login):
    """The same for "Extend the sequence": sent twice it added the places twice. The form
    now carries how long the sequence was when the page was drawn."""
    ns = build_study(world)
    client = login(ns.investigator)
    page = client.get(reverse("study_detail", args=[ns.study.pk])).content.decode()
    drawn = re.search(r'name="drawn" value="(\d+)"', page)
    assert drawn, "the extend form says how long the sequence was when drawn"
    url = reverse("study_extend", args=[ns.study.pk])
    stratum = next(iter(actions.places_left(ns.study)))
    body = {"stratum": stratum, "places": 3, "drawn": drawn.group(1)}
    first = client.post(url, body, follow=True)
    assert "The allocation sequence was extended." in _messages(first)
    slots = AllocationSlot.objects.filter(study=ns.study).count()
    again = client.post(url, body, follow=True)  # a double click, back and send again
    assert AllocationSlot.objects.filter(study=ns.study).count() == slots
    assert "The sequence was already extended since this page was drawn" in _messages(again)
