"""A ``::: crisis`` block in a text shows the reader's clinic's crisis contacts and the
country's emergency number there, in the page's language (decision 0134), and the
blocks of a text are checked before it is published or imported."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.utils import translation

from tessera.core.models import CrisisContact
from tessera.programs.markdown import (
    Crisis,
    block_problems,
    crisis_for,
    crisis_for_country,
    render,
)

TEXT = "Before.\n\n::: crisis\n:::\n\nAfter."


def tags(html: str) -> list[tuple[str, dict]]:
    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collect().feed(html)
    return found


# --- rendering ------------------------------------------------------------------------


def test_the_block_shows_the_clinics_contacts_and_the_emergency_number_in_place(world):
    world.clinic.crisis_contacts.all().delete()
    CrisisContact.objects.create(
        clinic=world.clinic, language="en", label="Psychiatric emergency", phone="08-123 45 67"
    )
    html = render(TEXT, crisis=crisis_for(world.clinic, "en"))
    assert html.index("Before.") < html.index("Psychiatric emergency") < html.index("After.")
    assert 'href="tel:08-123 45 67"' in html
    assert 'call the emergency number <a href="tel:112">112</a>' in html
    assert "Mind Självmordslinjen" in html  # the country's helplines follow the clinic's
    assert html.count('href="tel:112"') == 1  # the emergency number once, not twice
    assert "::: crisis" not in html and ":::" not in html


def test_a_clinic_without_crisis_contacts_still_gives_the_countrys_numbers(world):
    world.clinic.crisis_contacts.all().delete()
    html = render(TEXT, crisis=crisis_for(world.clinic, "en"))
    assert 'href="tel:112"' in html and 'href="tel:1177"' in html


def test_no_clinic_known_still_says_to_call_the_emergency_number():
    html = render(TEXT)
    assert 'class="crisis crisis-in-text"' in html
    assert "emergency number, day and night." in html and "tel:" not in html


@pytest.mark.parametrize(
    ("language", "country", "number", "heading"),
    [
        ("en", "GB-SCT", "999", "If you need help now"),
        ("sv", "SE", "112", "Om du behöver hjälp nu"),
        ("nb", "NO", "113", "Hvis du trenger hjelp nå"),
        ("da", "DK", "112", "Hvis du har brug for hjælp nu"),
        ("nl", "NL", "112", "Als je nu hulp nodig hebt"),
    ],
)
def test_the_block_speaks_the_pages_language(language, country, number, heading):
    with translation.override(language):
        html = render(TEXT, crisis=crisis_for_country(country))
    assert heading in html
    assert f'<a href="tel:{number}">{number}</a>' in html
    assert ("div", {"class": "crisis crisis-in-text", "lang": language}) in tags(html)


def test_contacts_in_the_pages_language_come_first_and_others_are_marked(world):
    world.clinic.crisis_contacts.all().delete()
    CrisisContact.objects.create(clinic=world.clinic, language="sv", label="Akuten", phone="1")
    with translation.override("en"):
        html = render(TEXT, crisis=crisis_for(world.clinic))
    assert ("li", {"lang": "sv"}) in tags(html)  # the clinic's only contacts, in Swedish


def test_what_a_clinic_typed_is_escaped_and_the_author_cannot_forge_the_box(world):
    crisis = Crisis(
        contacts=[
            CrisisContact(
                label="<script>alert(1)</script>",
                phone='1"><img src=x onerror=alert(1)>',
                url="javascript:alert(1)",
                language="en",
            )
        ],
        emergency="112",
    )
    html = render(TEXT + "\n\nTESSERACRISIS <b>x</b>", crisis=crisis)
    found = tags(html)
    assert "script" not in [t for t, _a in found] and "img" not in [t for t, _a in found]
    assert not any(a.get("href", "").startswith("javascript") for _t, a in found)
    assert html.count('class="crisis crisis-in-text"') == 1


def test_a_crisis_block_follows_the_care_model_it_stands_in():
    text = "::: guided\nAsk your therapist.\n::: crisis\n:::\n:::\n"
    assert "crisis-in-text" in render(text, care_model="guided")
    assert "crisis-in-text" not in render(text, care_model="unguided")


def test_the_clinics_contacts_are_read_only_when_a_text_has_a_crisis_block():
    asked = []
    render("No block here.", crisis=lambda: asked.append(1))
    assert asked == []
    render(TEXT, crisis=lambda: asked.append(1))
    assert asked == [1]


# --- checking the blocks --------------------------------------------------------------


def test_well_formed_blocks_have_no_problems():
    assert block_problems(TEXT) == []
    assert block_problems("::: unguided\nText.\n::: crisis\n:::\n:::\n") == []
    assert block_problems("No blocks.") == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("::: crisis\nCall 112.\n:::\n", "line 2: a crisis block (opened on line 1) holds no text"),
        ("Text.\n::: crisis\n", "line 2: the crisis block is not closed"),
        ("::: crisis\n::: crisis\n:::\n", "line 2: the crisis block opened on line 1"),
        ("::: crises\n:::\n", "line 1: ::: crises is not a block this format knows"),
        ("::: Crisis\n:::\n", "line 1: ::: Crisis is not a block this format knows"),
        (":::\n", "line 1: ::: closes a block, but no block is open here"),
        ("::: guided\nText.\n", "line 1: the guided block is not closed"),
        ("::: guided\n::: unguided\n:::\n", "line 2: the guided block opened on line 1"),
    ],
)
def test_malformed_blocks_are_named_with_their_line(text, problem):
    assert any(p.startswith(problem) for p in block_problems(text)), block_problems(text)


# --- the package validator and publishing ---------------------------------------------


def test_a_package_may_use_crisis_blocks_in_bodies_and_descriptions():
    from tessera.programs.packages import validate_manifest
    from tests.programs.fixtures_packages import minimal_manifest

    manifest = minimal_manifest()
    manifest["modules"][0]["steps"][0]["body"] = TEXT
    manifest["programme"]["description_patient"] = TEXT
    manifest["programme"]["translations"] = {"sv": {"description_patient": TEXT}}
    assert validate_manifest(manifest) == []


def test_a_package_with_a_malformed_crisis_block_is_refused_under_its_path():
    from tessera.programs.packages import validate_manifest
    from tests.programs.fixtures_packages import minimal_manifest

    manifest = minimal_manifest()
    manifest["modules"][0]["steps"][0]["body"] = "Text.\n::: crisis\nCall 112.\n:::\n"
    manifest["programme"]["translations"] = {"sv": {"description_patient": "::: crisis\n"}}
    problems = validate_manifest(manifest)
    assert (
        "modules[0].steps[0].body: line 3: a crisis block (opened on line 2) holds no text; "
        "close it with ::: on the next line and write the text before or after it."
    ) in problems
    assert (
        "programme.translations.sv.description_patient: line 1: the crisis block is not "
        "closed; add a line ::: after it."
    ) in problems


def test_a_body_file_with_a_malformed_block_is_refused_with_its_name():
    from tessera.programs.packages import PackageRejected, read_package
    from tests.programs.fixtures_packages import image_files, image_manifest, package, tiny_png

    png = tiny_png()
    files = image_files(png) | {"modules/hello/why.md": b"Why.\n\n::: crisis\n"}
    with pytest.raises(PackageRejected) as caught:
        read_package(package(image_manifest(png), files))
    assert caught.value.problems == [
        'modules[0].steps[1].body_file: "modules/hello/why.md", line 3: the crisis block is '
        "not closed; add a line ::: after it."
    ]


def test_a_draft_with_a_malformed_block_is_not_published(world):
    from django.core.exceptions import ValidationError

    from tessera.programs import actions

    author = world["author"]
    module = actions.do_create_module(world.region, acting_user=author, key="k", title="T")
    draft = module.versions.get()
    actions.do_add_step(draft, acting_user=author, kind="text", title="S", body="::: crisis\n")
    with pytest.raises(ValidationError) as caught:
        actions.do_publish_module(draft, acting_user=author)
    assert "the crisis block is not closed" in str(caught.value)
