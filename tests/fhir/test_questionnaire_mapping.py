"""FHIR R4B mapping of instrument definitions, answers and scores (tessera.fhir.questionnaire).

Pure Python: no database. Every resource is re-read through the fhir.resources R4B models.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from tessera.fhir.questionnaire import (
    LOINC,
    answers_from_response,
    questionnaire_for,
    questionnaire_response_for,
    total_observation_for,
)
from tessera.instruments.scoring import load_all, load_definition, score

BASE = "https://tessera.example.org/fhir"
WHEN = dt.datetime(2025, 3, 1, 10, 30, tzinfo=dt.UTC)
DEFINITIONS = load_all()
CODES = sorted(DEFINITIONS)
PHQ9_ITEM_CODES = [
    "44250-9", "44255-8", "44259-0", "44254-1", "44251-7",
    "44258-2", "44252-5", "44253-3", "44260-8",
]  # fmt: skip
LOINC_ANSWERS = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]


def all_items(definition):
    return sorted(definition.items + definition.unscored_items, key=lambda i: i.number)


def items_by_link(questionnaire):
    return {entry["linkId"]: entry for entry in questionnaire["item"]}


def response(definition, answers, response_id="resp-1"):
    return questionnaire_response_for(
        definition,
        answers,
        response_id=response_id,
        patient_ref="Patient/p-1",
        authored=WHEN,
        base_url=BASE,
    )


def observation(definition, result, language="en"):
    return total_observation_for(
        definition,
        result,
        observation_id="obs-1",
        patient_ref="Patient/p-1",
        effective=WHEN,
        response_ref="QuestionnaireResponse/resp-1",
        base_url=BASE,
        language=language,
    )


# --- Questionnaire ----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "sv"])
@pytest.mark.parametrize("code", CODES)
def test_every_definition_exports_a_valid_questionnaire(code, language):
    definition = DEFINITIONS[code]
    questionnaire = questionnaire_for(definition, base_url=BASE, language=language)

    Questionnaire.model_validate(questionnaire)  # re-reads without error
    json.loads(json.dumps(questionnaire))  # JSON-serialisable
    assert questionnaire["resourceType"] == "Questionnaire"
    assert questionnaire["status"] == "active"
    assert questionnaire["language"] == language
    assert questionnaire["url"] == f"{BASE}/Questionnaire/{questionnaire['id']}"
    assert questionnaire["version"] == definition.version
    assert questionnaire["title"] == definition.name
    assert questionnaire["name"][0].isupper()
    assert questionnaire["copyright"] == definition.licence.text
    expected_items = all_items(definition)
    assert [e["linkId"] for e in questionnaire["item"]] == [
        f"item{i.number}" for i in expected_items
    ]
    for entry, item in zip(questionnaire["item"], expected_items, strict=True):
        assert entry["type"] == "choice"
        assert entry["text"]  # wording, or a placeholder: never empty
        assert entry["text"] == (item.text.get(language) or entry["text"])
        assert len(entry["answerOption"]) == len(item.options)
        for option, source in zip(entry["answerOption"], item.options, strict=True):
            coding = option["valueCoding"]
            assert coding["system"] == LOINC or coding["system"].startswith(f"{BASE}/CodeSystem/")
            if source.label.get(language):
                assert coding["display"] == source.label[language]
            else:
                assert "display" not in coding


def test_phq9_questionnaire_items_codes_and_answers():
    phq9 = load_definition("PHQ-9")
    questionnaire = questionnaire_for(phq9, base_url=BASE)
    items = items_by_link(questionnaire)

    assert questionnaire["code"] == [{"system": LOINC, "code": "44249-1"}]
    assert questionnaire["description"] == phq9.instructions["en"]
    scored = [items[f"item{n}"] for n in range(1, 10)]
    assert all(entry["required"] is True for entry in scored)
    assert [e["code"] for e in scored] == [[{"system": LOINC, "code": c}] for c in PHQ9_ITEM_CODES]
    assert items["item1"]["text"] == "Little interest or pleasure in doing things"
    for entry in scored:
        codings = [o["valueCoding"] for o in entry["answerOption"]]
        assert [c["code"] for c in codings] == LOINC_ANSWERS
        assert {c["system"] for c in codings} == {LOINC}
        assert [c["extension"][0]["valueDecimal"] for c in codings] == [0, 1, 2, 3]
        assert codings[0]["display"] == "Not at all"


def test_phq9_difficulty_item_is_asked_but_optional_and_not_coded_as_frequency():
    questionnaire = questionnaire_for(load_definition("PHQ-9"), base_url=BASE)
    item10 = items_by_link(questionnaire)["item10"]

    assert sum(1 for e in questionnaire["item"] if e["required"]) == 9
    assert item10["required"] is False
    # The question is LOINC's (69722-7, CLINICAL.md ~); its answers are not frequencies.
    assert item10["code"] == [{"system": LOINC, "code": "69722-7"}]
    codings = [o["valueCoding"] for o in item10["answerOption"]]
    assert {c["system"] for c in codings} == {f"{BASE}/CodeSystem/phq9-item10-answers"}
    assert [c["code"] for c in codings] == ["0", "1", "2", "3"]
    assert codings[0]["display"] == "Not difficult at all"
    assert all("extension" not in c for c in codings)  # unscored: no ordinal value


def test_gad7_questionnaire_uses_its_loinc_panel_and_answer_codes():
    gad7 = load_definition("GAD-7")
    questionnaire = questionnaire_for(gad7, base_url=BASE)

    assert questionnaire["code"] == [{"system": LOINC, "code": "69737-5"}]
    assert len(questionnaire["item"]) == 7
    for entry, item in zip(questionnaire["item"], gad7.items, strict=True):
        assert entry["code"] == [{"system": LOINC, "code": item.loinc}]
        assert [o["valueCoding"]["code"] for o in entry["answerOption"]] == LOINC_ANSWERS


def test_instruments_without_loinc_use_tessera_code_systems():
    isi = questionnaire_for(load_definition("ISI"), base_url=BASE + "/")  # trailing slash ok
    audit = questionnaire_for(load_definition("AUDIT"), base_url=BASE)

    assert "code" not in isi
    first = isi["item"][0]["answerOption"][0]["valueCoding"]
    assert first["system"] == f"{BASE}/CodeSystem/isi-answers"
    assert first["code"] == "0"
    # AUDIT items carry their own options: one code system per item, codes are the values.
    item9 = items_by_link(audit)["item9"]["answerOption"]
    assert {o["valueCoding"]["system"] for o in item9} == {f"{BASE}/CodeSystem/audit-item9-answers"}
    assert [o["valueCoding"]["code"] for o in item9] == ["0", "2", "4"]


def test_missing_wording_gets_a_placeholder_never_a_guess():
    phq9_sv = questionnaire_for(load_definition("PHQ-9"), base_url=BASE, language="sv")
    isi_en = questionnaire_for(load_definition("ISI"), base_url=BASE, language="en")
    madrs_sv = questionnaire_for(load_definition("MADRS-S"), base_url=BASE, language="sv")
    madrs_en = questionnaire_for(load_definition("MADRS-S"), base_url=BASE, language="en")

    assert phq9_sv["item"][2]["text"] == "[Fråga 3: översättning saknas]"
    assert "description" not in phq9_sv  # Swedish instructions are not shipped
    assert isi_en["item"][2]["text"] == "[Item 3: wording not included — licensed instrument]"
    assert madrs_sv["item"][0]["text"] == (
        "[Fråga 1 (Sinnesstämning): texten ingår inte – förs in av mottagningen]"
    )
    assert madrs_en["item"][0]["text"] == "[Item 1: wording not included — entered by the clinic]"


@pytest.mark.parametrize(
    ("code", "not_required"),
    [("WSAS", {1}), ("PHQ-15", {4}), ("AUDIT", {2, 3, 4, 5, 6, 7, 8}), ("GAD-7", set())],
)
def test_items_the_definition_lets_be_left_out_are_not_required(code, not_required):
    questionnaire = questionnaire_for(load_definition(code), base_url=BASE)
    optional = {int(e["linkId"][4:]) for e in questionnaire["item"] if not e["required"]}
    assert optional == not_required


def test_questionnaire_rejects_unknown_language_and_bad_base_url():
    phq9 = load_definition("PHQ-9")
    with pytest.raises(ValueError, match="no language 'de'"):
        questionnaire_for(phq9, base_url=BASE, language="de")
    with pytest.raises(ValueError, match="base_url"):
        questionnaire_for(phq9, base_url="tessera.example.org")


# --- QuestionnaireResponse --------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_response_round_trips_for_every_definition(code):
    definition = DEFINITIONS[code]
    answers = {item.number: item.max_value for item in all_items(definition)}
    resource = response(definition, answers)

    QuestionnaireResponse.model_validate(resource)
    json.loads(json.dumps(resource))
    assert resource["status"] == "completed"
    assert resource["questionnaire"] == (
        f"{questionnaire_for(definition, base_url=BASE)['url']}|{definition.version}"
    )
    assert answers_from_response(definition, resource, base_url=BASE) == answers


def test_phq9_response_uses_loinc_answers_and_round_trips_partial_answers():
    phq9 = load_definition("PHQ-9")
    answers = {1: 0, 2: 1, 3: 2, 4: 3, 9: 1, 10: 2}
    resource = response(phq9, answers)

    assert resource["subject"] == {"reference": "Patient/p-1"}
    assert resource["authored"] == "2025-03-01T10:30:00Z"
    assert resource["questionnaire"] == f"{BASE}/Questionnaire/phq9|1.0.0"
    items = items_by_link(resource)
    assert list(items) == ["item1", "item2", "item3", "item4", "item9", "item10"]
    assert items["item3"]["answer"] == [{"valueCoding": {"system": LOINC, "code": "LA6570-1"}}]
    assert items["item10"]["answer"][0]["valueCoding"] == {
        "system": f"{BASE}/CodeSystem/phq9-item10-answers",
        "code": "2",
    }
    assert answers_from_response(phq9, resource, base_url=BASE) == answers


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({11: 0}, "unknown item"),
        ({1: 4}, "not one of"),
        ({1: "2"}, "not one of"),
        ({1: True}, "not one of"),
    ],
)
def test_response_rejects_impossible_answers(answers, message):
    with pytest.raises(ValueError, match=message):
        response(load_definition("PHQ-9"), answers)


def test_response_needs_an_aware_datetime_and_a_valid_id():
    phq9 = load_definition("PHQ-9")
    with pytest.raises(ValueError, match="timezone-aware"):
        questionnaire_response_for(
            phq9,
            {1: 0},
            response_id="r",
            patient_ref="Patient/p-1",
            authored=dt.datetime(2025, 3, 1, 10, 30),  # naive
            base_url=BASE,
        )
    with pytest.raises(ValueError, match="not valid FHIR R4B"):
        response(phq9, {1: 0}, response_id="not a valid id!")


def test_reading_back_a_foreign_answer_code_fails_clearly():
    phq9 = load_definition("PHQ-9")
    resource = response(phq9, {1: 0})
    resource["item"][0]["answer"][0]["valueCoding"]["code"] = "LA9999-9"
    with pytest.raises(ValueError, match="unknown answer"):
        answers_from_response(phq9, resource, base_url=BASE)


# --- Observation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "loinc_total", "answers", "total", "band"),
    [
        ("PHQ-9", "44261-6", dict.fromkeys(range(1, 10), 1), 9, "Mild"),
        ("GAD-7", "70274-6", dict.fromkeys(range(1, 8), 2), 14, "Moderate"),
    ],
)
def test_total_observation_carries_the_loinc_total_code(code, loinc_total, answers, total, band):
    definition = load_definition(code)
    resource = observation(definition, score(definition, answers))

    Observation.model_validate(resource)
    json.loads(json.dumps(resource))
    assert resource["status"] == "final"
    assert resource["category"][0]["coding"][0]["code"] == "survey"
    assert resource["code"]["coding"] == [{"system": LOINC, "code": loinc_total}]
    assert resource["valueInteger"] == total
    assert resource["interpretation"][0]["text"] == band
    assert resource["subject"] == {"reference": "Patient/p-1"}
    assert resource["effectiveDateTime"] == "2025-03-01T10:30:00Z"
    assert resource["derivedFrom"] == [{"reference": "QuestionnaireResponse/resp-1"}]


def test_observation_band_label_follows_the_language():
    phq9 = load_definition("PHQ-9")
    resource = observation(phq9, score(phq9, dict.fromkeys(range(1, 10), 1)), language="sv")
    assert resource["interpretation"][0]["text"] == "Lindrig"
    assert resource["interpretation"][0]["coding"][0] == {
        "system": f"{BASE}/CodeSystem/phq9-bands",
        "code": "mild",
        "display": "Lindrig",
    }


@pytest.mark.parametrize("code", CODES)
def test_every_definition_gives_a_valid_observation(code):
    definition = DEFINITIONS[code]
    result = score(definition, {item.number: item.max_value for item in definition.items})
    resource = observation(definition, result)

    Observation.model_validate(resource)
    json.loads(json.dumps(resource))
    assert resource["valueInteger"] == result.total
    if not (definition.loinc or {}).get("total"):
        assert resource["code"]["coding"] == [
            {"system": f"{BASE}/CodeSystem/{resource_slug(code)}-scores", "code": "total"}
        ]
    assert ("interpretation" in resource) == (definition.bands is not None)


def resource_slug(code):
    return "".join(ch for ch in code.lower() if ch.isalnum())


def test_refused_score_gives_no_observation():
    phq9 = load_definition("PHQ-9")
    result = score(phq9, dict.fromkeys(range(1, 9), 1))  # item 9 unanswered: refused
    assert result.total is None
    assert observation(phq9, result) is None


def test_left_out_optional_item_is_noted():
    wsas = load_definition("WSAS")
    resource = observation(wsas, score(wsas, {2: 1, 3: 1, 4: 1, 5: 1}))
    assert resource["valueInteger"] == 4
    assert resource["note"] == [{"text": "optional item(s) 1 left out of the total"}]


def test_unrounded_prorated_total_becomes_a_quantity():
    phq9 = load_definition("PHQ-9")
    result = dataclasses.replace(score(phq9, dict.fromkeys(range(1, 10), 1)), total=9.5)
    resource = observation(phq9, result)
    assert "valueInteger" not in resource
    assert resource["valueQuantity"]["value"] == 9.5


def test_observation_rejects_a_score_of_another_instrument():
    gad7 = load_definition("GAD-7")
    with pytest.raises(ValueError, match="not for definition"):
        observation(load_definition("PHQ-9"), score(gad7, dict.fromkeys(range(1, 8), 0)))


# --- purity -----------------------------------------------------------------------------


def test_mapping_does_not_import_django():
    code = (
        "import sys, tessera.fhir.questionnaire; "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0


@pytest.mark.parametrize("language", ["en", "sv"])
@pytest.mark.parametrize("code", CODES)
def test_responses_and_scores_are_built_as_their_model_would_dump_them(code, language):
    """The builders return what they validated, not the model's dump (the dump cost half
    of a Bulk Data export's time): for every instrument, lowest and highest answers, in
    UTC and in another offset, the two are the same JSON."""
    definition = DEFINITIONS[code]
    for pick in (lambda item: item.min_value, lambda item: item.max_value):
        answers = {item.number: pick(item) for item in all_items(definition)}
        for when in (WHEN, WHEN.astimezone(dt.timezone(dt.timedelta(hours=1)))):
            built = questionnaire_response_for(
                definition,
                answers,
                response_id="resp-1",
                patient_ref="Patient/p-1",
                authored=when,
                base_url=BASE,
            )
            dumped = QuestionnaireResponse.model_validate(built).model_dump(
                mode="json", exclude_none=True
            )
            assert json.loads(json.dumps(built)) == dumped
            scored = {n: v for n, v in answers.items() if n in {i.number for i in definition.items}}
            result = score(definition, scored)
            obs = total_observation_for(
                definition,
                result,
                observation_id="obs-1",
                patient_ref="Patient/p-1",
                effective=when,
                response_ref="QuestionnaireResponse/resp-1",
                base_url=BASE,
                language=language,
            )
            if obs is not None:
                dumped = Observation.model_validate(obs).model_dump(mode="json", exclude_none=True)
                assert json.loads(json.dumps(obs)) == dumped
