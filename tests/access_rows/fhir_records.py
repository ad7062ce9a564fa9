"""Taking an episode's record out: staff whose own roles show them the episode download
it as a FHIR document; the patient downloads their own (FHIR JSON and PDF). The read
API and the token endpoint are for record systems: a session is never enough (what a
system client's token sees is tested in tests/fhir/test_fhir_read_api.py)."""

from tests.access_rows.base import CLINIC_ADMINS, CLINIC_WIDE, PATIENTS, Row, everyone, only

JOB = "0b6f2a52-8d4e-4d0c-9a57-3f1f7f3c2b11"

ROWS: dict[str, Row] = {
    "episode_fhir": Row(
        only(CLINIC_WIDE + ["therapist"]), kwargs=lambda w: {"episode_id": w.episode.pk}
    ),
    "clinic_record_sharing": Row(only(CLINIC_ADMINS), kwargs=lambda w: {"slug": "alpha"}),
    "my_record": Row(only(PATIENTS)),
    "my_record_fhir": Row(only(["patient"]), kwargs=lambda w: {"episode_id": w.episode.pk}),
    "my_record_pdf": Row(only(["patient"]), kwargs=lambda w: {"episode_id": w.episode.pk}),
    "fhir_smart_configuration": Row(everyone("ok")),
    "fhir_token": Row(everyone("bad_request"), method="post"),
    "fhir_patient_read": Row(everyone("unauthorised"), kwargs=lambda w: {"pk": w.patient.pk}),
    "fhir_everything": Row(everyone("unauthorised"), kwargs=lambda w: {"pk": w.patient.pk}),
    "fhir_episode_search": Row(everyone("unauthorised")),
    "fhir_observation_search": Row(everyone("unauthorised")),
    "fhir_questionnaire_response_search": Row(everyone("unauthorised")),
    "fhir_export": Row(everyone("unauthorised")),
    # Anything under the base that Tessera does not serve: a FHIR 404 for everyone.
    "fhir_not_found": Row(
        everyone("deny", staff_no_mfa="mfa"), kwargs=lambda w: {"rest": "Condition"}
    ),
    "fhir_group_export": Row(everyone("unauthorised"), kwargs=lambda w: {"slug": w.clinic.slug}),
    "fhir_export_status": Row(everyone("unauthorised"), kwargs=lambda w: {"job_id": JOB}),
    "fhir_export_file": Row(
        everyone("unauthorised"), kwargs=lambda w: {"job_id": JOB, "name": "Patient.ndjson"}
    ),
}
