"""Every write in a conversation: sending, drafts, read receipts. Atomic and audited.

Sending is idempotent by ``submission_key``: the compose form carries the key of the
author's draft, so a double click, the back button or a second tab sends once and the
repeat gets the first message back. A staff message answers the patient's waiting
messages (``answered_at``); quoting a sent worksheet answer records the feedback on it.

One module per concept; the functions are re-exported here, so
``from tessera.messaging import actions`` then ``actions.do_...`` reads as before.
"""

from .drafts import (  # noqa: F401
    do_save_draft,
    draft_for,
)
from .messages import (  # noqa: F401
    ELSEWHERE,
    MAX_BODY,
    MAX_QUOTE,
    _check_answer,
    _clean_body,
    _is_patient_of,
    _notify,
    _read_by,
    _repeat,
    do_mark_read,
    do_send_automated_message,
    do_send_message,
    reply_risk,
)

__all__ = [
    "ELSEWHERE",
    "reply_risk",
    "MAX_BODY",
    "MAX_QUOTE",
    "do_send_message",
    "do_send_automated_message",
    "do_mark_read",
    "draft_for",
    "do_save_draft",
]
