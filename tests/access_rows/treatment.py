"""Questionnaires, progress, plans and the module reader; FHIR and wording pages."""

from tests.access_rows.base import (  # noqa: F401
    ANON_PAGE,
    CLINIC_ADMINS,
    CLINIC_WIDE,
    CLINICAL_STAFF,
    OWNER_ONLY,
    PATIENTS,
    SIGNED_IN_PAGE,
    STAFF,
    TAILORS,
    Row,
    everyone,
    only,
)


def _spare_rule(world):
    from tessera.treatment.models import MeasureRule

    return MeasureRule.objects.create(
        clinic=world.clinic,
        programme_key=f"spare-{MeasureRule.objects.count()}",
        instrument="PHQ-9",
        time_point="post",
    )


ROWS: dict[str, Row] = {
    # questionnaires and progress (the patient's own; staff through the patient's page)
    "my_questionnaires": Row(only(PATIENTS)),
    "questionnaire_fill": Row(only(["patient"]), kwargs=lambda w: {"pk": w.due.pk}),
    "questionnaire_autosave": Row(
        only(["patient"]), kwargs=lambda w: {"pk": w.due.pk}, method="post", data={"item1": "1"}
    ),
    "questionnaire_review": Row(
        only(["patient"], ok="redirect"), kwargs=lambda w: {"pk": w.due.pk}
    ),
    "questionnaire_done": Row(only(["patient"], ok="redirect"), kwargs=lambda w: {"pk": w.due.pk}),
    "my_progress": Row(only(PATIENTS)),
    # An earlier course's progress (decision 0154): world.episode is the course My
    # progress shows, so its patient is sent there; tests/treatment/
    # test_earlier_course_progress.py walks an earlier one.
    "my_earlier_progress": Row(
        everyone("deny", anon="login", staff_no_mfa="mfa", patient="redirect"),
        kwargs=lambda w: {"episode_id": w.episode.pk},
    ),
    # the patient's modules, and the care team's view of the plan
    "my_plan": Row(only(PATIENTS)),
    "module_reader": Row(only(["patient"]), kwargs=lambda w: {"entry_id": w.plan.entry.pk}),
    "worksheet_save": Row(
        only(["patient"], ok="redirect"),
        method="post",
        data={"situation": "typed"},
        kwargs=lambda w: {"entry_id": w.plan.entry.pk, "position": 2},
    ),
    "module_complete": Row(
        only(["patient"], ok="redirect"),
        method="post",
        kwargs=lambda w: {"entry_id": w.plan.entry.pk},
    ),
    "plan": Row(only(CLINIC_WIDE + ["therapist"]), kwargs=lambda w: {"pk": w.patient.pk}),
    "plan_add": Row(
        only(TAILORS, ok="redirect"),
        method="post",
        data={"reason": "matrix"},
        kwargs=lambda w: {"pk": w.patient.pk},
    ),
    "plan_start": Row(
        only(TAILORS, ok="redirect"),
        method="post",
        data={"start_on": "2026-01-05"},
        kwargs=lambda w: {"pk": w.patient.pk},
    ),
    "plan_switch": Row(
        only(TAILORS, ok="redirect"),
        method="post",
        data={"reason": "matrix"},
        kwargs=lambda w: {"pk": w.patient.pk},
    ),
    "plan_reorder": Row(
        only(TAILORS, ok="redirect"),
        method="post",
        data={"reason": "matrix"},
        kwargs=lambda w: {"pk": w.patient.pk},
    ),
    "plan_entry": Row(
        only(TAILORS, ok="redirect"),
        method="post",
        data={"reason": "matrix"},
        kwargs=lambda w: {"pk": w.patient.pk, "entry_id": w.plan.entry.pk, "operation": "down"},
    ),
    # FHIR: instrument structure is public; a response bundle is patient data
    "fhir_questionnaire": Row(
        everyone("ok", staff_no_mfa="mfa"), kwargs=lambda w: {"slug": "phq9"}
    ),
    "response_fhir_bundle": Row(
        only(CLINIC_WIDE + ["therapist"]),
        kwargs=lambda w: {"pk": w.patient.pk, "response_id": w.response.pk},
    ),
    "clinic_measures": Row(only(CLINIC_ADMINS), kwargs=lambda w: {"slug": "alpha"}),
    "clinic_measure_remove": Row(
        only(CLINIC_ADMINS, ok="redirect"),
        method="post",
        per_kind=True,
        kwargs=lambda w: {"slug": "alpha", "rule_id": _spare_rule(w).pk},
    ),
    "clinic_risk_threshold": Row(
        only(CLINIC_ADMINS, ok="redirect"),
        method="post",
        kwargs=lambda w: {"slug": "alpha"},
        data={
            "prefix": "x",
            "x-instrument": "PHQ-9",
            "x-rule_code": "phq9_item9",
            "x-at_least": "1",
        },
    ),
    "patient_measures": Row(
        only(CLINIC_WIDE + ["therapist"]), kwargs=lambda w: {"pk": w.patient.pk}
    ),
    "response_detail": Row(
        only(CLINIC_WIDE + ["therapist"]),
        kwargs=lambda w: {"pk": w.patient.pk, "response_id": w.response.pk},
    ),
    # questionnaire wording a clinic enters (managers and region administrators)
    "clinic_instruments": Row(
        only(["manager", "region_admin"]), kwargs=lambda w: {"slug": "alpha"}
    ),
    "clinic_instrument_wording": Row(
        only(["manager", "region_admin"]),
        kwargs=lambda w: {"slug": "alpha", "code": "K10", "lang": "sv"},
    ),
}
