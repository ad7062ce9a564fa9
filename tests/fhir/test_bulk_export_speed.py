"""The Bulk Data export's faster validation and its counted parts.

- The lines are the same as with fhir.resources' full validation of every resource
  (``model_validate``), for the test world and for the seeded demo, and every line
  validates in full.
- They are also the same as the export made the way it was before decision 0047: no
  shared elements (each made anew and checked by value), choice labels and scores
  worked out every time, the batch's episodes read whole with their joins and every
  row a model instance. The caches stay within their bounds.
- The shortcut (``tessera.fhir.validation``) still rejects what full validation
  rejects, after it has seen the resource's shape and its elements.
- Parts hold about equal numbers of episodes when the region's patients interleave
  with another region's (ids counted, not measured).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from tessera.core.models import Episode, Patient
from tessera.fhir import questionnaire, validation
from tessera.fhir.bulk import build
from tessera.fhir.models import ExportJob
from tessera.fhir.record import resources
from tests.fhir.record_fixtures import fill_episode
from tests.fhir.smart_helpers import KeyPair, register


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.TESSERA_FHIR_EXPORT_DIR = tmp_path / "exports"
    return settings.TESSERA_FHIR_EXPORT_DIR


def _export_lines(**where) -> list[str]:
    job = ExportJob.objects.create(
        client=register(keys=KeyPair(), **where),
        types=build.TYPES,  # letters too
        request_url="http://testserver/fhir/$export",
    )
    assert build.run(job.pk, batch_size=2) == "done"
    job.refresh_from_db()
    lines = []
    for row in job.files.order_by("resource_type", "name"):
        lines += build.file_path(job, row.name).read_text(encoding="utf-8").splitlines()
    return lines


def _full_validation(monkeypatch):
    """Every resource validated by its model alone, as before the shortcut."""

    def full(model, resource):
        model.model_validate(resource)

    monkeypatch.setattr(validation, "validate_resource", full)
    for module in ("tessera.fhir.questionnaire", "tessera.fhir.record.document"):
        monkeypatch.setattr(f"{module}.validate_resource", full)


def _as_before(monkeypatch):
    """The export as it was made before decision 0047: every element made anew and
    checked by its value, labels and scores worked out each time, the episodes read
    whole (with their clinic, therapist and programme joined) and every row a model."""
    monkeypatch.setattr(resources, "_shared", lambda key, make: make())
    monkeypatch.setattr(questionnaire, "_shared", lambda definition, key, make: make())
    monkeypatch.setattr(validation, "trusted", lambda model, field, value: value)
    monkeypatch.setattr(build, "Lookups", lambda: None)


def _cold():
    validation.forget()
    resources._SHARED.clear()
    questionnaire._PIECES.clear()


def _same_lines_and_every_line_validates(monkeypatch, **where):
    _cold()
    fast = _export_lines(**where)
    assert len(fast) > 10
    assert _export_lines(**where) == fast  # with everything shared already
    with monkeypatch.context() as patched:
        _full_validation(patched)
        _as_before(patched)
        _cold()
        full = _export_lines(**where)
    assert fast == full
    for line in fast:
        resource = json.loads(line)
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def test_the_lines_are_those_of_full_validation_for_the_test_world(world, monkeypatch):
    fill_episode(world)
    _same_lines_and_every_line_validates(monkeypatch, region=world.region)


@pytest.mark.django_db(transaction=True)
def test_the_lines_are_those_of_full_validation_for_the_demo(seeded_demo, monkeypatch):
    from tessera.core.models import Region

    for region in Region.objects.all():
        _same_lines_and_every_line_validates(monkeypatch, region=region)


def test_the_shared_pieces_stay_within_their_bounds(world, monkeypatch):
    """With room for two of each, the export is the same lines and keeps no more."""
    fill_episode(world)
    _cold()
    expected = _export_lines(region=world.region)
    monkeypatch.setattr(validation, "LIMIT", 2)
    monkeypatch.setattr(build.Lookups, "LIMIT", 1)
    _cold()
    assert _export_lines(region=world.region) == expected
    assert len(validation._TRUSTED) <= 2 and len(resources._SHARED) <= 2
    assert len(questionnaire._PIECES) <= 2
    assert all(len(pieces) <= 2 for _, pieces in questionnaire._PIECES.values())


def test_a_shared_element_passes_by_identity_only(world):
    """A trusted element passes as that object; an equal copy is checked by value, and
    an invalid element is never trusted."""
    model = get_fhir_model_class("Observation")
    code = validation.trusted(model, "code", {"coding": [{"system": "http://loinc.org"}]})
    assert validation._TRUSTED[id(code)][1] is code
    copy = {"coding": [{"system": "http://loinc.org", "code": ""}]}  # empty code: invalid
    with pytest.raises(ValidationError):
        validation.trusted(model, "code", copy)
    assert id(copy) not in validation._TRUSTED
    with pytest.raises(ValidationError):
        validation.validate_resource(model, _observation(code=copy))
    with pytest.raises(TypeError):
        validation.trusted(model, "status", "final")  # a primitive is not shared


def test_choice_labels_follow_the_active_language(world):
    from django.utils import translation

    for language in ("en", "sv", "en"):
        with translation.override(language):
            assert resources.choice_label(world.episode, "care_model") == str(
                world.episode.get_care_model_display()
            )
    with translation.override("sv"):
        swedish = resources.choice_label(world.episode, "care_model")
    with translation.override("en"):
        english = resources.choice_label(world.episode, "care_model")
    assert swedish != english


def _observation(**changes) -> dict:
    resource = {
        "resourceType": "Observation",
        "id": "total-1",
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "survey",
                    }
                ]
            }
        ],
        "code": {"coding": [{"system": "http://loinc.org", "code": "44261-6"}]},
        "subject": {"reference": "Patient/1"},
        "effectiveDateTime": "2026-01-02T10:00:00Z",
        "valueInteger": 9,
    }
    resource.update(changes)
    return {k: v for k, v in resource.items() if v is not None}


BAD = [
    {"id": "not an id!"},
    {"status": " final"},
    {"effectiveDateTime": "2026-13-40"},
    {"valueInteger": "nine"},
    {"valueInteger": 9.5},
    {"subject": {"reference": "Patient/2", "unknown": 1}},
    {"code": {"coding": [{"system": "http://loinc.org", "code": ""}]}},
    {"category": [{"coding": [{"system": "not a uri with spaces", "code": "survey"}]}]},
    {"status": None},  # required
    {"valueString": "9"},  # two of value[x]
    {"resourceType": "Patient"},
    {"extra": 1},
]


@pytest.mark.parametrize("change", BAD, ids=[next(iter(c)) + str(i) for i, c in enumerate(BAD)])
def test_the_shortcut_rejects_what_full_validation_rejects(change):
    model = get_fhir_model_class("Observation")
    for number in range(3):  # the shape and the elements are known after the first
        validation.validate_resource(model, _observation(id=f"total-{number}"))
    bad = _observation(**change)
    try:
        model.model_validate(bad)
    except ValidationError:
        with pytest.raises(ValidationError):
            validation.validate_resource(model, bad)
    else:
        validation.validate_resource(model, bad)  # what the model takes, the shortcut takes


def test_known_elements_are_forgotten_past_the_limit(monkeypatch):
    monkeypatch.setattr(validation, "LIMIT", 5)
    validation._SHAPES.clear()
    validation._VALID.clear()
    model = get_fhir_model_class("Observation")
    for number in range(20):
        validation.validate_resource(
            model, _observation(subject={"reference": f"Patient/{number}"})
        )
    assert len(validation._VALID) <= 5 and len(validation._SHAPES) <= 5


def test_parts_hold_equal_episode_counts_when_ids_interleave(world, settings):
    """The clinic's new patients are every fourth id (the others are the other clinic's),
    and its first three have four episodes each: equal widths of ids put most of the
    clinic's episodes in the first part; counted bounds put about as many in each."""
    settings.TESSERA_FHIR_EXPORT_PART_EPISODES = 5
    settings.TESSERA_FHIR_EXPORT_PARTS_MAX = 4
    mine = []
    for number in range(40):
        patient = Patient.objects.create(
            first_name="P", last_name=str(number), date_of_birth=dt.date(1990, 1, 1)
        )
        if number % 4 == 0:
            mine.append(patient)
        else:
            Episode.objects.create(patient=patient, clinic=world.other_clinic, status="active")
    for index, patient in enumerate(mine):  # 10 patients, the first 3 with 4 episodes
        for _ in range(4 if index < 3 else 1):
            Episode.objects.create(patient=patient, clinic=world.clinic, status="active")
    job = ExportJob.objects.create(
        client=register(keys=KeyPair(), clinic=world.clinic),
        types=build.DEFAULT_TYPES,
        request_url="http://testserver/fhir/$export",
    )
    episodes = build.job_episodes(job)
    total = episodes.count()
    assert total >= 19
    parts = build._split(job)
    assert len(parts) == 4

    def counts():
        return [
            episodes.filter(
                patient_id__gt=part.after_patient, patient_id__lte=part.last_patient
            ).count()
            for part in parts
        ]

    assert sum(counts()) == total
    # each part ends at the patient of its k-th step's episode: past it by less than one
    # patient's episodes (4 at most here)
    step = -(-total // 4)
    ends = [sum(counts()[: k + 1]) for k in range(3)]
    assert all(step * (k + 1) <= end < step * (k + 1) + 4 for k, end in enumerate(ends)), counts()
    assert parts[0].after_patient < episodes.order_by("patient_id")[0].patient_id
    assert parts[-1].last_patient == episodes.order_by("-patient_id")[0].patient_id
    assert all(a.last_patient == b.after_patient for a, b in zip(parts, parts[1:], strict=False))
    # and the whole export has every episode once
    assert build.run(job.pk, batch_size=3) == "done"
    job.refresh_from_db()
    assert job.episodes_done == total
