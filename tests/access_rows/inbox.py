"""The therapist's inbox and the patient overview."""

from tests.access_rows.base import CLINIC_WIDE, Row, only

INBOX_KINDS = [
    "therapist",
    "supervisor",
    "manager",
    "colleague",
    "other_therapist",
    "other_manager",
]
SEES_EPISODE = CLINIC_WIDE + ["therapist"]


def _sent_answer(world):
    """The world patient's worksheet, sent for feedback."""
    from tessera.treatment.actions import plans as plan_actions

    entry = world.plan.entry
    step = entry.module_version.steps.get(kind="worksheet")
    return plan_actions.do_submit_worksheet(
        entry, step, {"situation": "matrix"}, acting_user=world.patient.user
    )


ROWS: dict[str, Row] = {
    "inbox": Row(only(INBOX_KINDS)),
    "caseload": Row(only(INBOX_KINDS)),
    "episode_overview": Row(only(SEES_EPISODE), kwargs=lambda w: {"episode_id": w.episode.pk}),
    "clinical_note_add": Row(
        only(SEES_EPISODE, ok="redirect"),
        method="post",
        data={"text": "matrix"},
        kwargs=lambda w: {"episode_id": w.episode.pk},
    ),
    "worksheet_seen": Row(
        only(["therapist", "supervisor", "manager"], ok="redirect"),
        method="post",
        kwargs=lambda w: {"answer_id": _sent_answer(w).pk},
    ),
}
