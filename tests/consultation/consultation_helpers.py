"""Helpers for the consultation tests (not a test module)."""

from __future__ import annotations

import uuid

from tessera.consultation import actions


def ask(w, *, colleague=None, asker=None, episode=None, hours=72, to_supervisors=False, **extra):
    return actions.do_ask_colleague(
        episode or w.episode,
        acting_user=asker or w["therapist"],
        colleague=None if to_supervisors else (colleague or w["colleague"]),
        to_supervisors=to_supervisors,
        question=extra.pop("question", "Would you add the sleep module?"),
        hours=hours,
        submission_key=uuid.uuid4(),
        **extra,
    )


def comment(request, user, text="A thought"):
    return actions.do_comment(request, acting_user=user, text=text, submission_key=uuid.uuid4())
