"""Authors start and link translations in the library (issue 17): a draft copy for the
author to translate, published like any module, audited, refused for a language the
family has; a programme draft's patient text per language."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tessera.core.models import AuditEvent
from tessera.programs import actions
from tessera.programs.models import Module, Status
from tessera.programs.translations import languages_of, programme_text


def test_add_translation_copies_the_module_as_a_draft_in_the_language(world, library):
    module = world.module
    translation_ = actions.do_create_module_translation(
        module, acting_user=world["author"], language="da"
    )
    assert translation_.translation_of == module and translation_.key == "lib-activity-da"
    draft = translation_.versions.get()
    source = world.module_version  # the latest published version is the source
    assert (draft.status, draft.language, draft.title) == (Status.DRAFT, "da", source.title)
    copied = [(s.position, s.kind, s.title, s.fields) for s in draft.steps.all()]
    assert copied == [(s.position, s.kind, s.title, s.fields) for s in source.steps.all()]
    event = AuditEvent.objects.filter(action="module.translation_started").latest("id")
    assert event.changes["of"] == "lib-activity" and event.changes["language"] == "da"
    assert event.actor == world["author"]
    # Not offered to patients until published.
    assert "da" not in languages_of(module)
    actions.do_update_module_draft(draft, acting_user=world["author"], title="Aktivitet og humør")
    actions.do_publish_module(draft, acting_user=world["author"])
    assert languages_of(module)["da"].title == "Aktivitet og humør"


def test_a_translation_of_a_translation_joins_the_same_family(world, library):
    danish = actions.do_create_module_translation(
        world.module, acting_user=world["author"], language="da"
    )
    dutch = actions.do_create_module_translation(danish, acting_user=world["author"], language="nl")
    assert dutch.translation_of == world.module


@pytest.mark.parametrize("language", ["en", "da"])
def test_a_language_the_family_has_is_refused(world, library, language):
    actions.do_create_module_translation(world.module, acting_user=world["author"], language="da")
    before = Module.objects.count()
    with pytest.raises(ValidationError):
        actions.do_create_module_translation(
            world.module, acting_user=world["author"], language=language
        )
    assert Module.objects.count() == before


def test_link_an_existing_module_as_a_translation(world, library):
    other = actions.do_create_module(
        world.region, acting_user=world["author"], key="aktivitet", title="Aktivitet", language="sv"
    )
    actions.do_link_module_translation(world.module, other, acting_user=world["author"])
    other.refresh_from_db()
    assert other.translation_of == world.module
    event = AuditEvent.objects.filter(action="module.translation_linked").latest("id")
    assert event.changes == {"of": "lib-activity", "language": "sv"}
    # A second module in Swedish cannot join; nor can the module itself.
    again = actions.do_create_module(
        world.region, acting_user=world["author"], key="aktivitet-2", title="A", language="sv"
    )
    with pytest.raises(ValidationError):
        actions.do_link_module_translation(world.module, again, acting_user=world["author"])
    with pytest.raises(ValidationError):
        actions.do_link_module_translation(world.module, world.module, acting_user=world["author"])
    assert Module.objects.get(pk=again.pk).translation_of is None


def test_the_module_page_offers_translations_to_authors_only(world, library, login):
    url = reverse("library_module", args=[world.module.pk])
    with translation.override("en"):
        authors = login(world["author"]).get(url).content.decode()
        therapists = login(world["therapist"]).get(url).content.decode()
    assert "Add translation" in authors and "Link existing module as translation" in authors
    assert "Add translation" not in therapists


def test_adding_a_translation_through_the_page(world, library, login):
    client = login(world["author"])
    url = reverse("library_module_translation_new", args=[world.module.pk])
    response = client.post(url, {"language": "nb"})
    created = Module.objects.get(translation_of=world.module)
    assert response.status_code == 302
    assert response["Location"] == reverse("library_module_draft", args=[created.pk])
    # Twice: refused with a message, nothing more created.
    again = client.post(url, {"language": "nb"}, follow=True)
    assert (
        again.status_code == 200 and Module.objects.filter(translation_of=world.module).count() == 1
    )


def test_programme_patient_text_per_language_goes_with_the_draft(world, library, login):
    draft = world.programme_draft
    client = login(world["author"])
    url = reverse("library_programme_translation", args=[world.programme.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"language": "nl", "title": "Depressie", "description_patient": "Voor **jou**."}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.translations["nl"]["title"] == "Depressie"
    assert AuditEvent.objects.filter(action="programme.translation_changed").exists()
    # The programme's own language is edited in the draft itself.
    with pytest.raises(ValidationError):
        actions.do_set_programme_translation(
            draft, acting_user=world["author"], language="en", title="X", description_patient=""
        )
    published = actions.do_publish_programme(draft, acting_user=world["author"])
    assert programme_text(published, "nl").title == "Depressie"
    # A new draft keeps the translations.
    nxt = actions.do_new_programme_draft(world.programme, acting_user=world["author"])
    assert nxt.translations["nl"]["description_patient"] == "Voor **jou**."


def _drawn(page: str) -> str:
    found = re.search(r'name="drawn" value="([0-9a-f]*)"', page)
    return found.group(1) if found else ""


def test_a_translation_saved_by_another_author_meanwhile_is_not_overwritten(world, library, login):
    """Two authors open the Dutch translation; the first saves its title (twice: the same
    texts sent again are its own save), the second, from the page drawn before, another:
    refused (409, what was typed kept in the form), the first's title kept; saving again
    from the refused page replaces it knowingly (decision 0152's follow-up)."""
    draft = world.programme_draft
    url = reverse("library_programme_translation", args=[world.programme.pk]) + "?language=nl"
    first, second = login(world["author"]), Client()
    second.force_login(world["author"])
    drawn_first = _drawn(first.get(url).content.decode())
    drawn_second = _drawn(second.get(url).content.decode())
    mine = {"language": "nl", "title": "Depressie", "description_patient": "", "drawn": drawn_first}
    assert first.post(url, mine).status_code == 302
    assert first.post(url, mine).status_code == 302  # sent twice
    theirs = {"language": "nl", "title": "Somberheid", "description_patient": "Voor jou."}
    refused = second.post(url, {**theirs, "drawn": drawn_second})
    assert refused.status_code == 409
    draft.refresh_from_db()
    assert draft.translations["nl"]["title"] == "Depressie"
    page = refused.content.decode()
    assert "Someone else changed these details" in page
    assert 'value="Somberheid"' in page and "Voor jou." in page
    assert second.post(url, {**theirs, "drawn": _drawn(page)}).status_code == 302
    draft.refresh_from_db()
    assert draft.translations["nl"] == {"title": "Somberheid", "description_patient": "Voor jou."}


def test_a_translation_is_marked_with_its_language_on_english_staff_pages(world, library, login):
    danish = actions.do_create_module_translation(
        world.module, acting_user=world["author"], language="da"
    )
    draft = danish.versions.get()
    actions.do_update_module_draft(draft, acting_user=world["author"], title="Aktivitet")
    client = login(world["author"])
    with translation.override("en"):
        detail = client.get(reverse("library_module", args=[danish.pk])).content.decode()
        preview = client.get(reverse("library_module_preview", args=[draft.pk])).content.decode()
        english = client.get(reverse("library_module", args=[world.module.pk])).content.decode()
    assert '<h1 lang="da">Aktivitet</h1>' in detail
    assert '<p class="preview-module" lang="da">Aktivitet</p>' in preview
    assert '<div class="prose" lang="da">' in preview
    assert "<h1>Activity and mood</h1>" in english  # the page's own language: no mark


def test_a_translation_cannot_be_edited_into_a_language_its_family_has(world, library):
    danish = actions.do_create_module_translation(
        world.module, acting_user=world["author"], language="da"
    )
    with pytest.raises(ValidationError):
        actions.do_update_module_draft(
            danish.versions.get(), acting_user=world["author"], language="en"
        )
    actions.do_update_module_draft(
        danish.versions.get(), acting_user=world["author"], language="nb"
    )
    assert danish.versions.get().language == "nb"
