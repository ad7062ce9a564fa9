"""Content in another language than the page is marked with lang (WCAG 3.1.2): a module
only written in English on a Norwegian page, and questionnaire parts without a validated
translation."""

from __future__ import annotations

import re

from django.urls import reverse

from tessera.core.models import Patient
from tessera.programs.models import ModuleVersion
from tessera.treatment import questionnaires


def _reader(client, entry):
    return client.get(reverse("module_reader", args=[entry.pk]) + "?step=1").content.decode()


def test_an_english_module_on_a_norwegian_page_is_marked_and_explained(world, plan, login):
    assert plan.entry.module_version.language == "en"
    Patient.objects.filter(pk=world.patient.pk).update(preferred_language="nb")
    page = _reader(login(world["patient"]), plan.entry)
    assert '<html lang="nb"' in page
    assert re.search(r'<h1 lang="en">Activity and mood</h1>', page)
    assert '<div class="prose" lang="en">' in page
    assert "Denne modulen finnes ikke på ditt språk ennå, så den vises på engelsk." in page
    plan_page = login(world["patient"]).get(reverse("my_plan")).content.decode()
    assert 'lang="en">Activity and mood<' in plan_page


def test_a_module_in_the_pages_language_is_not_marked(world, plan, login):
    ModuleVersion.objects.filter(pk=plan.entry.module_version_id).update(language="nb")
    Patient.objects.filter(pk=world.patient.pk).update(preferred_language="nb")
    page = _reader(login(world["patient"]), plan.entry)
    assert "<h1>Activity and mood</h1>" in page
    assert 'class="prose" lang=' not in page
    assert "finnes ikke på ditt språk" not in page


def test_questionnaire_parts_shown_in_english_carry_lang_en():
    # Shipped wording is English (other languages only where validated and licensed);
    # Dutch falls back to English item by item, and each fallback says so.
    dutch = questionnaires.build("PHQ-9", "nl")
    assert dutch.translation_missing
    assert {item.text_lang for item in dutch.items} == {"en"}
    assert {item.options_lang for item in dutch.items} == {"en"}
    english = questionnaires.build("PHQ-9", "en")
    assert not english.translation_missing
    assert {item.text_lang for item in english.items} == {""}


def test_the_questionnaire_page_marks_the_english_items(world, login):
    Patient.objects.filter(pk=world.patient.pk).update(preferred_language="da")
    page = login(world["patient"]).get(reverse("questionnaire_fill", args=[world.due.pk]))
    text = page.content.decode()
    assert '<html lang="da"' in text
    assert '<span lang="en">' in text
    assert 'lang="en">' in text.split('class="option"', 1)[1]


def test_band_codes_are_shown_in_words():
    from django.utils import translation

    from tessera.treatment.templatetags.treatment_tags import band_in_words

    with translation.override("en"):
        english = band_in_words("moderately_severe", "PHQ-9")
    with translation.override("sv"):
        swedish = band_in_words("moderately_severe", "PHQ-9")
    assert english == "moderately severe"
    assert swedish and swedish != english and "_" not in swedish
    assert band_in_words("not-a-band", "PHQ-9") == "not-a-band"
    assert band_in_words("", "PHQ-9") == ""


def test_the_therapists_plan_marks_a_module_in_another_language(world, plan, login):
    ModuleVersion.objects.filter(pk=plan.entry.module_version_id).update(language="nb")
    page = login(world["therapist"]).get(reverse("plan", args=[world.patient.pk]))
    assert '<span lang="nb">Activity and mood</span>' in page.content.decode()
