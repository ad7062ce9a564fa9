"""Demo: the therapist asks a colleague about the first patient's plan and gets one
comment back; the supervisor follows the case with a note; the second therapist asks
the supervisors about their patient, not answered yet (so the supervisor's home and
"Asked of me" have a question waiting, decision 0162). Safe to run twice: each
record has a fixed submission key, and the actions return what a key already made."""

from __future__ import annotations

import uuid

from tessera.core.models import Episode

from . import actions
from .models import ConsultationRequest, SupervisedCase

NAMESPACE = uuid.UUID("6f1c3a52-2f6d-4c59-9a53-6f0c7d1e2b10")


def _key(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


def seed(ctx) -> None:
    therapist = ctx.staff.get("therapist")
    colleague = ctx.staff.get("therapist2")
    supervisor = ctx.staff.get("supervisor")
    patient = ctx.patients.get("patient")
    if not (therapist and colleague and supervisor and patient):
        return
    episode = Episode.objects.filter(patient=patient).open().order_by("-created_at").first()
    if episode is None:
        return
    request = ConsultationRequest.objects.filter(submission_key=_key("ask")).first()
    if request is None:
        request = actions.do_ask_colleague(
            episode,
            acting_user=therapist,
            colleague=colleague,
            question=(
                "She has done well with activity scheduling but avoids the social "
                "activities on her plan. Would you add the worry module now, or wait?"
            ),
            draft=(
                "Well done on keeping your activity diary this week. I noticed that the "
                "social activities were hard to get to; what got in the way?"
            ),
            hours=14 * 24,
            submission_key=_key("ask"),
        )
    if request.is_live:
        actions.do_comment(
            request,
            acting_user=colleague,
            text=(
                "I would wait a week and name the avoidance in your reply first. The "
                "draft reads well; perhaps ask about one activity rather than all."
            ),
            submission_key=_key("comment"),
        )
    if not SupervisedCase.objects.filter(episode=episode, supervisor=supervisor).exists():
        actions.do_follow_case(episode, acting_user=supervisor)
    actions.do_add_supervision_note(
        episode,
        acting_user=supervisor,
        text="Discussed avoidance of social activities; keep the plan, review in two weeks.",
        submission_key=_key("note"),
    )

    _ask_supervisors(ctx, supervisor)


def _ask_supervisors(ctx, supervisor) -> None:
    asker = ctx.staff.get("therapist2")
    patient = ctx.patients.get("patient3")
    if not (asker and patient):
        return
    episode = (
        Episode.objects.filter(patient=patient, therapist=asker).open().order_by("-created_at")
    ).first()
    if episode is None:
        return
    actions.do_ask_colleague(
        episode,
        acting_user=asker,
        to_supervisors=True,
        question=(
            "Her scores have not moved for three weeks although she does the exercises. "
            "Should I suggest a video session, or change the order of the modules?"
        ),
        hours=7 * 24,
        submission_key=_key("ask-supervisors"),
    )
