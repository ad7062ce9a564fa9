"""Sessions (blended care): the care team's page per episode, the patient's own list."""

import datetime as dt

from django.utils import timezone

from tests.access_rows.base import CLINIC_WIDE, PATIENTS, TAILORS, Row, only

SEES_EPISODE = CLINIC_WIDE + ["therapist"]


def _booked(world):
    from tessera.appointments.actions import do_book_appointment

    return do_book_appointment(
        world.episode,
        acting_user=world["therapist"],
        therapist=world["therapist"],
        kind="phone",
        starts_at=timezone.now() - dt.timedelta(hours=1),
    )


def _coming(world):
    from tessera.appointments.actions import do_book_appointment

    return do_book_appointment(
        world.episode,
        acting_user=world["therapist"],
        therapist=world["therapist"],
        kind="video",
        starts_at=timezone.now() + dt.timedelta(days=2),
        video_link="https://video.example/room",
    )


def setup(world):
    world.session = _booked(world)
    world.coming_session = _coming(world)


ROWS: dict[str, Row] = {
    "episode_sessions": Row(only(SEES_EPISODE), kwargs=lambda w: {"episode_id": w.episode.pk}),
    "session_record": Row(
        only(TAILORS, ok="redirect"),
        method="post",
        data={"status": "attended", "note": "ok"},
        kwargs=lambda w: {"episode_id": w.episode.pk, "pk": w.session.pk},
    ),
    "session_cancel": Row(
        only(TAILORS, ok="redirect"),
        method="post",
        per_kind=True,
        data={"cancel_reason": "ill"},
        kwargs=lambda w: {"episode_id": w.episode.pk, "pk": _booked(w).pk},
    ),
    "care_model_change": Row(
        only(TAILORS, ok="redirect"),
        method="post",
        data={"to_model": "blended", "reason": "matrix"},
        kwargs=lambda w: {"episode_id": w.episode.pk},
    ),
    "my_sessions": Row(only(PATIENTS)),
    # the patient's own coming session: ask to move it, or download it (issue 14)
    "my_session_change": Row(
        only(["patient"], ok="redirect"),
        method="post",
        data={"kind": "move", "note": "Mornings"},
        kwargs=lambda w: {"pk": w.coming_session.pk},
    ),
    "my_session_calendar": Row(only(["patient"]), kwargs=lambda w: {"pk": w.coming_session.pk}),
    "session_request_handled": Row(
        only(TAILORS, ok="redirect"),
        method="post",
        kwargs=lambda w: {"episode_id": w.episode.pk, "pk": w.coming_session.pk},
    ),
}


def _letter(world):
    from tessera.core.actions import do_update_patient_details
    from tessera.letters.actions import do_write_letter

    if not world.patient.letters_to_gp:
        do_update_patient_details(
            world.patient, acting_user=world["therapist"], gp_name="Dr Ek", letters_to_gp=True
        )
    return do_write_letter(world.episode, "started", acting_user=world["therapist"])


def _open_episode(world):
    from tessera.treatment.actions import do_open_episode

    return do_open_episode(
        world.patient, world.clinic, status="active", therapist=world["therapist"]
    )


ROWS.update(
    {
        "episode_letters": Row(only(SEES_EPISODE), kwargs=lambda w: {"episode_id": w.episode.pk}),
        "letter_write": Row(
            only(TAILORS, ok="redirect"),
            method="post",
            data={"kind": "started"},
            kwargs=lambda w: {"episode_id": w.episode.pk},
        ),
        "letter_detail": Row(only(SEES_EPISODE), kwargs=lambda w: {"pk": _letter(w).pk}),
        "letter_pdf": Row(only(SEES_EPISODE), kwargs=lambda w: {"pk": _letter(w).pk}),
        "end_episode": Row(
            only(TAILORS, ok="redirect"),
            method="post",
            per_kind=True,
            data={"reason": "completed"},
            kwargs=lambda w: {"episode_id": _open_episode(w).pk},
        ),
    }
)
