"""Taking an episode's record out: staff whose own roles show them the episode download
it as a FHIR document; the patient downloads their own (FHIR JSON and PDF)."""

from tests.access_rows.base import CLINIC_WIDE, PATIENTS, Row, only

ROWS: dict[str, Row] = {
    "episode_fhir": Row(
        only(CLINIC_WIDE + ["therapist"]), kwargs=lambda w: {"episode_id": w.episode.pk}
    ),
    "my_record": Row(only(PATIENTS)),
    "my_record_fhir": Row(only(["patient"]), kwargs=lambda w: {"episode_id": w.episode.pk}),
    "my_record_pdf": Row(only(["patient"]), kwargs=lambda w: {"episode_id": w.episode.pk}),
}
