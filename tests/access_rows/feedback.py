"""Feedback templates, the compose tools' endpoints and practice feedback."""

from tests.access_rows.base import Row, only

WRITERS = ["therapist", "supervisor", "manager", "colleague", "other_therapist", "other_manager"]
PRACTISERS = ["therapist", "colleague", "other_therapist"]


def setup(world):
    from tessera.feedback import actions

    world.shared_template = actions.do_create_template(
        acting_user=world["supervisor"],
        clinic=world.clinic,
        title="Shared",
        language="en",
        body="Hi {name}",
    )
    episode = actions.do_create_training_patient(
        world["therapist"], world.clinic, acting_user=world["therapist"]
    )
    world.practice_sheet = episode.practice_worksheets.order_by("position").first()


ROWS: dict[str, Row] = {
    "feedback_templates": Row(only(WRITERS)),
    "feedback_template_new": Row(only(WRITERS)),
    "feedback_template_edit": Row(
        only(["supervisor", "manager"]), kwargs=lambda w: {"pk": w.shared_template.pk}
    ),
    "feedback_template_delete": Row(
        only(["supervisor", "manager"]), kwargs=lambda w: {"pk": w.shared_template.pk}
    ),
    "feedback_fill": Row(
        only(["therapist", "supervisor", "manager"]), kwargs=lambda w: {"episode_id": w.episode.pk}
    ),
    "feedback_check": Row(
        only(["therapist", "supervisor", "manager"]),
        kwargs=lambda w: {"episode_id": w.episode.pk},
        method="post",
        data={"body": "Thank you for your diary."},
    ),
    "feedback_practice": Row(only(PRACTISERS)),
    "feedback_practice_start": Row(
        only(PRACTISERS, ok="redirect"), method="post", data={"language": "en"}
    ),
    "feedback_practice_worksheet": Row(
        only(["therapist"]), kwargs=lambda w: {"worksheet_id": w.practice_sheet.pk}
    ),
}
