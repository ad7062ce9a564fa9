"""Content held per language (issue 17): a module's translations, a programme's patient
text per language, consent texts and crisis contacts in the clinic's fallback order, and
the library showing which languages are missing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tessera.core.crisis import contacts_for
from tessera.core.languages import content_order, pick_language
from tessera.core.models import CrisisContact, Patient
from tessera.intake.models import ConsentText
from tessera.intake.programmes import public_programmes
from tessera.programs.models import Module, ModuleVersion, ProgrammeVersion, Step
from tessera.programs.translations import (
    module_languages,
    modules_in_language,
    programme_text,
)
from tessera.treatment.actions import plans as plan_actions
from tests.plan_fixtures import _module, _programme


def _translation(original: ModuleVersion, language: str, title: str, *, published=True):
    module = Module.objects.create(
        region=original.module.region,
        key=f"{original.module.key}-{language}",
        translation_of=original.module,
    )
    version = ModuleVersion.objects.create(
        module=module,
        number=1,
        status="published" if published else "draft",
        title=title,
        language=language,
        published_at=timezone.now() if published else None,
    )
    Step.objects.create(module_version=version, position=1, kind="text", title=title, body="…")
    return version


@pytest.fixture
def library(world):
    activity = _module(world.region, "activity", "Activity and mood")
    values = _module(world.region, "values", "Values")
    norwegian = _translation(activity, "nb", "Aktivitet og humør")
    danish = _translation(activity, "da", "Aktivitet og humør (da)")
    draft_dutch = _translation(values, "nl", "Waarden", published=False)
    programme = _programme(world.region, "depression", "Depression", [activity, values])
    return activity, values, norwegian, danish, draft_dutch, programme


def test_content_order_is_the_readers_language_then_the_clinics_then_english(world):
    world.clinic.languages = ["sv", "nb"]
    assert content_order("da", world.clinic) == ["da", "sv", "nb", "en"]
    assert content_order("sv-se", world.clinic) == ["sv", "nb", "en"]
    assert content_order(None, None) == ["en"]
    items = [CrisisContact(language="nb", label="a"), CrisisContact(language="en", label="b")]
    assert pick_language(items, "da", world.clinic) == ([items[0]], "nb")
    assert pick_language(items, "nl", None) == ([items[1]], "en")


def test_a_plan_takes_each_module_in_the_patients_language_where_published(world, library):
    activity, values, norwegian, _danish, _draft, programme = library
    Patient.objects.filter(pk=world.patient.pk).update(preferred_language="nb")
    world.episode.patient.refresh_from_db()
    plan_actions.do_seed_plan(world.episode, programme, acting_user=world["therapist"])
    pinned = [e.module_version for e in world.episode.plan.order_by("position")]
    # Norwegian where there is a published translation; the Dutch draft does not count,
    # and values (no Norwegian) stays English.
    assert pinned == [norwegian, values]


def test_without_the_patients_language_the_clinics_order_decides(world, library):
    activity, values, _nb, danish, _draft, _programme = library
    world.clinic.languages = ["da", "en"]
    # Swedish reader, Danish clinic: Danish before English, then English.
    assert modules_in_language([activity, values], "sv", world.clinic) == [danish, values]
    world.clinic.languages = ["en"]
    assert modules_in_language([activity, values], "sv", world.clinic) == [activity, values]


def test_choosing_translations_is_one_query(world, library, django_assert_num_queries):
    activity, values, *_rest = library
    versions = list(
        ModuleVersion.objects.select_related("module").filter(pk__in=[activity.pk, values.pk])
    )
    with django_assert_num_queries(1):
        modules_in_language(versions, "nb", world.clinic)


def test_the_library_shows_which_languages_a_module_lacks(world, library, login):
    activity, *_rest = library
    world.clinic.languages = ["sv", "en", "nl"]
    world.clinic.save()
    rows = {row.language: row.version for row in module_languages(activity.module)}
    assert rows["en"] == activity and rows["nb"].language == "nb" and rows["da"]
    assert rows["sv"] is None and rows["nl"] is None  # missing (the Dutch one is a draft)
    with translation.override("en"):
        page = login(world["author"]).get(reverse("library_module", args=[activity.module_id]))
    text = page.content.decode()
    assert page.status_code == 200
    assert re.search(r"Swedish: <strong>missing</strong>", text)
    assert 'lang="nb">Aktivitet og humør</a>' in text
    with translation.override("en"):
        listing = login(world["author"]).get(reverse("library_index")).content.decode()
    assert re.search(
        r'lang="da">Aktivitet og humør \(da\) <span class="visually-hidden">\(activity-da\)</span>'
        r"</a></td>\s*<td><code>activity-da</code></td>\s*<td>Danish</td>",
        listing,
    )


def test_a_programme_shows_its_patient_text_in_the_readers_language(world, library):
    *_rest, programme = library
    ProgrammeVersion.objects.filter(pk=programme.pk).update(
        description_patient="For low mood.",
        translations={"nb": {"title": "Depresjon", "description_patient": "Ved nedstemthet."}},
    )
    programme.refresh_from_db()
    norwegian = programme_text(programme, "nb", world.clinic)
    assert (norwegian.title, norwegian.language) == ("Depresjon", "nb")
    world.clinic.languages = ["nb", "en"]
    # A Danish reader at a Norwegian clinic gets the clinic's language next.
    assert programme_text(programme, "da", world.clinic).language == "nb"
    world.clinic.languages = ["en"]
    english = programme_text(programme, "da", world.clinic)
    assert (english.title, english.language) == ("Depression", "en")
    with translation.override("nb"):
        listed = public_programmes(world.clinic, "nb")
    depression = next(p for p in listed if p.key == "depression")
    assert depression.title == "Depresjon" and depression.text_language == "nb"
    assert depression.languages == "Engelsk, Norsk"


def test_the_public_page_marks_a_programme_text_in_another_language(world, library, client):
    with translation.override("da"):
        page = client.get(
            reverse("intake_clinic", args=[world.clinic.slug]), HTTP_ACCEPT_LANGUAGE="da"
        ).content.decode()
    assert '<h3 id="programme-depression" lang="en">Depression</h3>' in page


def test_crisis_contacts_fall_back_in_the_clinics_order_and_are_marked(world, client):
    clinic = world.clinic
    clinic.crisis_contacts.all().delete()
    CrisisContact.objects.create(clinic=clinic, language="nb", label="Legevakt", phone="116117")
    CrisisContact.objects.create(clinic=clinic, language="en", label="Out of hours", phone="5")
    clinic.languages = ["nb", "en"]
    clinic.save()
    assert [c.label for c in contacts_for(clinic, "da")][:1] == ["Legevakt"]
    clinic.languages = ["en", "nb"]
    assert [c.label for c in contacts_for(clinic, "da")][:1] == ["Out of hours"]
    assert [c.label for c in contacts_for(clinic, "nb")][:1] == ["Legevakt"]


def test_consent_text_falls_back_in_the_clinics_order(world):
    clinic = world.clinic
    ConsentText.objects.filter(clinic=clinic).delete()
    now = timezone.now()
    for language in ("en", "nb"):
        ConsentText.objects.create(
            clinic=clinic, language=language, version=1, text=language, published_at=now
        )
    clinic.languages = ["nb", "en"]
    assert ConsentText.current(clinic, "da").language == "nb"
    assert ConsentText.current(clinic, "en").language == "en"
    clinic.languages = ["en"]
    assert ConsentText.current(clinic, "da").language == "en"


def test_every_diagnosis_label_is_in_every_interface_language():
    from django.conf import settings

    from tessera.intake import diagnoses

    rows = diagnoses._load()["codes"]
    for code, _name in settings.LANGUAGES:
        assert all(row.get(code) for row in rows), code
    assert diagnoses.label("F32.1", "nb") == "Depressiv episode, moderat"
    with translation.override("nl"):
        assert dict(diagnoses.choices())["F41.0"] == "F41.0 Paniekstoornis"


def test_an_assessment_names_its_diagnoses_in_the_pages_language():
    from tessera.intake.models import Assessment

    assessment = Assessment(diagnoses=["F32.1", "F41.0"])
    with translation.override("da"):
        assert assessment.diagnoses_in_words() == [
            "F32.1 Depressiv enkeltepisode, moderat",
            "F41.0 Panikangst",
        ]
