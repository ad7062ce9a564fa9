"""Demo: a short conversation between the first demo patient and their therapist.

A welcome from the therapist, feedback quoting the worksheet the patient sent (when
there is one), and a message from the patient still waiting for a reply. Safe to run
twice: each message has a fixed submission key, and a repeat returns the first.
"""

from __future__ import annotations

import uuid

from tessera.core.models import Episode
from tessera.treatment.models import WorksheetAnswer

from . import actions
from .quotes import answer_as_text

NAMESPACE = uuid.UUID("0b6f3c52-6a77-4f0e-9a55-2d7f1f0c4a11")

WELCOME = (
    "Welcome! I am your therapist for this treatment. Each week I read what you write "
    "and answer within two working days.\n\n"
    "Start with the first module when it suits you, and write to me here if anything "
    "is unclear."
)
FEEDBACK = (
    "Thank you for sending your worksheet. It is good that you noticed how you felt "
    "**after** the walk: that is exactly what this week is about.\n\n"
    "Could you plan one more activity like it for the coming week?"
)
QUESTION = (
    "Hi, I have read the next module. Is it all right to do the activity diary every "
    "other day instead of every day? Evenings are hard for me this week."
)


def _key(episode: Episode, name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"demo-message:{episode.pk}:{name}")


def seed(ctx) -> None:
    patient = ctx.patients.get("patient")
    therapist = ctx.staff.get("therapist")
    if patient is None or therapist is None:
        return
    episode = Episode.objects.filter(patient=patient).open().select_related("patient").first()
    if episode is None or episode.therapist_id != therapist.pk:
        return
    actions.do_send_message(
        episode, acting_user=therapist, body=WELCOME, submission_key=_key(episode, "welcome")
    )
    answer = (
        WorksheetAnswer.objects.filter(entry__episode=episode, submitted_at__isnull=False)
        .select_related("step")
        .order_by("submitted_at")
        .first()
    )
    if answer is not None:
        actions.do_send_message(
            episode,
            acting_user=therapist,
            body=FEEDBACK,
            submission_key=_key(episode, "feedback"),
            quoted_answer=answer,
            quoted_text=answer_as_text(answer),
        )
    actions.do_send_message(
        episode,
        acting_user=patient.user,
        body=QUESTION,
        submission_key=_key(episode, "question"),
    )
