"""Every write of consultations and supervision: atomic, validated, audited.

Audit rows name the request, comment or note and the patient; never the question,
draft, comment or note text.

One module per concept; the functions are re-exported here, so
``from tessera.consultation import actions`` then ``actions.do_...`` reads as before.
"""

from .consultations import (  # noqa: F401
    CONSULTATION,
    MAX_TEXT,
    SUPERVISION,
    _locked,
    _mark_seen,
    _text,
    colleagues_for,
    do_ask_colleague,
    do_comment,
    do_end_consultation,
    mark_seen,
    sees_by_own_role,
    supervisors_of,
)
from .supervision import (  # noqa: F401
    _supervisor_of,
    do_add_supervision_note,
    do_follow_case,
    do_unfollow_case,
)

__all__ = [
    "CONSULTATION",
    "SUPERVISION",
    "MAX_TEXT",
    "sees_by_own_role",
    "colleagues_for",
    "supervisors_of",
    "do_ask_colleague",
    "do_comment",
    "do_end_consultation",
    "mark_seen",
    "do_follow_case",
    "do_unfollow_case",
    "do_add_supervision_note",
]
