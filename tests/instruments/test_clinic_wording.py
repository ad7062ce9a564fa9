"""A clinic enters questionnaire wording under its own licence: complete or not at all,
never over shipped wording, audited, and then used when its patients fill in."""

import pytest
from django.conf import settings

if not settings.configured:  # the rest of tests/instruments runs without Django
    pytest.skip("needs the database (pytest-django)", allow_module_level=True)

from django.urls import reverse

from tessera.core.models import AuditEvent, Patient
from tessera.instruments.actions import WordingError, do_save_clinic_wording
from tessera.instruments.models import ClinicWording
from tessera.instruments.scoring import load_definition
from tessera.instruments.wording import fillable_languages, merge, wording_for
from tessera.treatment import questionnaires
from tessera.treatment.actions import do_start_treatment
from tessera.treatment.models import DueMeasure, MeasureRule
from tests.conftest import make_patient

K10 = load_definition("K10")
K10_ITEMS = {str(n): f"Fråga {n} enligt klinikens licens" for n in range(1, 11)}
K10_OPTIONS = {str(v): f"Svar {v}" for v in range(1, 6)}
NOTE = "Svensk version från rättighetsinnehavaren, licens 2024-17"


def save_k10(world, *, clinic=None, user=None, **changes):
    fields = {
        "instructions": "Frågorna gäller hur du har mått.",
        "recall_period": "",
        "items": K10_ITEMS,
        "options": K10_OPTIONS,
        "source_note": NOTE,
        **changes,
    }
    return do_save_clinic_wording(
        clinic or world.clinic, "K10", "sv", acting_user=user or world["manager"], **fields
    )


def wording_url(code="K10", lang="sv", slug="alpha"):
    return reverse("clinic_instrument_wording", args=[slug, code, lang])


def form_data(**changes):
    data = {f"item_{n}": text for n, text in K10_ITEMS.items()}
    data |= {f"option_{v}": label for v, label in K10_OPTIONS.items()}
    data |= {"instructions": "", "source_note": NOTE, "confirm": "on"}
    return data | changes


# --- the action and the merge ---------------------------------------------------------


def test_a_k10_entered_by_a_clinic_becomes_fillable_there_only(world):
    assert fillable_languages(K10, world.clinic) == []
    save_k10(world)
    assert fillable_languages(K10, world.clinic) == ["sv"]
    assert fillable_languages(K10, world.other_clinic) == []
    assert fillable_languages(K10, None) == []


def test_saving_is_audited_as_administration(world):
    wording = save_k10(world)
    event = AuditEvent.objects.get(action="instrument.wording_saved")
    assert event.actor == world["manager"]
    assert event.clinic == world.clinic
    assert event.purpose == "administration"
    assert event.changes == {"instrument": "K10", "language": "sv"}
    assert event.object_id == str(wording.pk)
    assert event.patient is None


def test_saving_again_updates_the_one_row(world):
    save_k10(world)
    save_k10(world, user=world["region_admin"], items={**K10_ITEMS, "3": "Ny text"})
    row = ClinicWording.objects.get()
    assert row.items["3"] == "Ny text"
    assert row.entered_by == world["region_admin"]
    assert AuditEvent.objects.filter(action="instrument.wording_saved").count() == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"items": {k: v for k, v in K10_ITEMS.items() if k != "4"}}, "item_4", "question 4"),
        ({"items": {**K10_ITEMS, "4": "   "}}, "item_4", "question 4"),
        ({"items": {**K10_ITEMS, "11": "Extra"}}, None, "11"),
        ({"options": {**K10_OPTIONS, "5": ""}}, "option_5", "answer 5"),
        ({"options": {**K10_OPTIONS, "0": "Noll"}}, None, "0"),
        ({"source_note": "  "}, "source_note", "licence"),
        ({"recall_period": "de senaste 30 dagarna"}, "recall_period", "cannot be replaced"),
        ({"item_options": {"3": {"1": "x"}}}, None, "no answers of their own"),
    ],
)
def test_the_action_refuses_incomplete_or_unknown_wording(world, changes, field, message):
    with pytest.raises(WordingError, match=message) as caught:
        save_k10(world, **changes)
    assert caught.value.field == field
    assert not ClinicWording.objects.exists()
    assert not AuditEvent.objects.filter(action="instrument.wording_saved").exists()


def test_unknown_instruments_and_languages_are_refused(world):
    kwargs = {"acting_user": world["manager"], "items": {}, "options": {}, "source_note": NOTE}
    with pytest.raises(ValueError, match="no such questionnaire"):
        do_save_clinic_wording(world.clinic, "BDI-II", "sv", **kwargs)
    with pytest.raises(ValueError, match="supported languages"):
        do_save_clinic_wording(world.clinic, "K10", "fi", **kwargs)


def test_shipped_wording_cannot_be_replaced_by_the_action(world):
    gad7 = load_definition("GAD-7")
    items = {str(item.number): "Our own words" for item in gad7.items}
    with pytest.raises(WordingError, match="cannot be replaced") as caught:
        do_save_clinic_wording(
            world.clinic,
            "GAD-7",
            "en",
            acting_user=world["manager"],
            items=items,
            options={},
            source_note=NOTE,
        )
    assert caught.value.field == "item_1"


def test_shipped_text_wins_over_the_clinics_and_missing_text_stays_missing(world):
    gad7 = load_definition("GAD-7")
    row = ClinicWording(items={"1": "Clinic wording"}, recall_period="de senaste 14 dagarna")
    english = merge(gad7, "en", row)
    assert english["items"][1]["source"] == "shipped"
    assert english["items"][1]["text"] == gad7.item(1).text["en"]
    swedish = merge(gad7, "sv", row)
    assert swedish["items"][1] == {"text": "Clinic wording", "source": "clinic", "missing": False}
    assert swedish["items"][2] == {"text": None, "source": None, "missing": True}
    assert swedish["recall_period"]["text"] == "de senaste två veckorna"  # shipped
    assert not swedish["complete"]


def test_wording_for_merges_in_one_query(world, django_assert_num_queries):
    save_k10(world)
    with django_assert_num_queries(1):
        wording = wording_for(K10, "sv", world.clinic)
    assert wording["items"][3] == {"text": K10_ITEMS["3"], "source": "clinic", "missing": False}
    assert wording["options"][5]["text"] == "Svar 5"
    assert wording["recall_period"]["source"] == "shipped"
    assert wording["complete"]
    with django_assert_num_queries(0):
        assert not wording_for(K10, "sv", None)["complete"]


def test_questions_with_their_own_answers_take_per_item_labels(world):
    phq9 = load_definition("PHQ-9")
    items = {str(n): f"Fråga {n}" for n in range(1, 11)}
    options = {str(o.value): f"Svar {o.value}" for o in phq9.response_options}
    item10 = {str(o.value): f"Svårighet {o.value}" for o in phq9.item(10).options}
    base = {"acting_user": world["manager"], "items": items, "options": options}
    with pytest.raises(WordingError) as caught:
        do_save_clinic_wording(world.clinic, "PHQ-9", "sv", source_note=NOTE, **base)
    assert caught.value.field == "item_10_option_0"
    do_save_clinic_wording(
        world.clinic, "PHQ-9", "sv", source_note=NOTE, item_options={"10": item10}, **base
    )
    view = questionnaires.build("PHQ-9", "sv", clinic=world.clinic)
    assert not view.translation_missing
    assert view.items[9].options[0] == (0, "Svårighet 0")
    assert view.items[0].text == "Fråga 1"


def test_without_a_clinic_the_questionnaire_uses_shipped_text_only(world):
    save_k10(world)
    view = questionnaires.build("K10", "sv")
    assert view.translation_missing
    assert view.items[0].text == ""
    with_clinic = questionnaires.build("K10", "sv", clinic=world.clinic)
    assert not with_clinic.translation_missing
    assert with_clinic.items[0].text == K10_ITEMS["1"]
    assert with_clinic.instructions == "Frågorna gäller hur du har mått."


# --- the pages ------------------------------------------------------------------------


def test_the_manager_sees_every_shipped_instrument_and_its_languages(
    world, login, django_assert_max_num_queries
):
    client = login(world["manager"])
    save_k10(world)
    with django_assert_max_num_queries(14):  # sign-in, roles, session; one for wordings
        response = client.get(reverse("clinic_instruments", args=["alpha"]))
    text = response.content.decode()
    assert response.status_code == 200
    for code in ["PHQ-9", "GAD-7", "K10", "WSAS", "LSAS-SR", "MADRS-S"]:
        assert f">{code}<" in text
    assert wording_url("K10", "sv") in text
    assert "Entered by the clinic" in text and "Missing" in text and "Shipped" in text


def test_the_form_shows_shipped_text_read_only_and_inputs_for_the_rest(world, login):
    text = login(world["manager"]).get(wording_url("K10", "sv")).content.decode()
    assert '<textarea name="item_1"' in text
    assert 'name="option_5"' in text
    assert 'name="recall_period"' not in text  # the Swedish recall period ships
    assert 'value="de senaste fyra veckorna" readonly' in text
    assert 'name="source_note"' in text and 'name="confirm"' in text


def test_a_language_that_ships_complete_has_nothing_to_enter(world, login):
    text = login(world["manager"]).get(wording_url("GAD-7", "en")).content.decode()
    assert "nothing for the clinic to enter" in text
    assert '<form method="post" novalidate' not in text
    assert "Little interest" not in text and "Feeling nervous" in text


def test_a_manager_saves_the_wording_and_it_is_used(world, login):
    client = login(world["manager"])
    response = client.post(wording_url(), form_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("clinic_instruments", args=["alpha"])
    row = ClinicWording.objects.get(clinic=world.clinic, instrument="K10", language="sv")
    assert row.items == K10_ITEMS and row.options == K10_OPTIONS
    assert row.source_note == NOTE and row.entered_by == world["manager"]
    page = client.get(wording_url()).content.decode()
    assert K10_ITEMS["7"] in page  # shown again for editing


def test_bad_input_is_explained_beside_the_field_and_kept(world, login):
    data = form_data(item_4="", source_note="", confirm="")
    data["item_2"] = "Min egen text som ska finnas kvar"
    response = login(world["manager"]).post(wording_url(), data)
    text = response.content.decode()
    assert response.status_code == 200
    assert text.count('class="error-text"') == 3  # question 4, the note, the confirmation
    question_4 = text.split('for="id_item_4"')[1].split('class="field')[0]
    assert "Enter the wording of question 4." in question_4
    assert "under which licence" in text.split('for="id_source_note"')[1]
    assert "Min egen text som ska finnas kvar" in text
    assert K10_ITEMS["9"] in text
    assert not ClinicWording.objects.exists()


def test_another_clinics_manager_gets_404(world, login):
    client = login(world["other_manager"])
    assert client.get(reverse("clinic_instruments", args=["alpha"])).status_code == 404
    assert client.get(wording_url()).status_code == 404
    assert client.post(wording_url(), form_data()).status_code == 404
    assert not ClinicWording.objects.exists()
    assert client.get(wording_url(slug="beta")).status_code == 200


@pytest.mark.parametrize(("code", "lang"), [("BDI-II", "sv"), ("K10", "fi"), ("K10", "SV")])
def test_unknown_instruments_and_languages_are_404(world, login, code, lang):
    assert login(world["manager"]).get(wording_url(code, lang)).status_code == 404


def test_a_patient_fills_in_the_k10_in_the_clinics_swedish_wording(world, login):
    save_k10(world)
    MeasureRule.objects.create(clinic=world.clinic, instrument="K10", time_point="pre")
    patient, episode = make_patient(world.clinic, "k10@alpha.test", therapist=world["therapist"])
    do_start_treatment(episode, acting_user=world["therapist"])
    due = DueMeasure.objects.get(episode=episode, instrument="K10")
    Patient.objects.filter(pk=patient.pk).update(preferred_language="sv")
    client = login(patient.user)  # a signed-in patient sees their own language
    text = client.get(reverse("questionnaire_fill", args=[due.pk])).content.decode()
    assert K10_ITEMS["10"] in text
    assert "Svar 3" in text
    assert 'name="item10"' in text
    assert "no validated translation" not in text
