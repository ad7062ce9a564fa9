"""Writes of the inbox and the overview: each atomic and audited.

One module per concept; the functions are re-exported here, so
``from tessera.inbox import actions`` then ``actions.do_...`` reads as before.
"""

from .review import (  # noqa: F401
    do_add_clinical_note,
    do_mark_worksheet_seen,
)

__all__ = [
    "do_mark_worksheet_seen",
    "do_add_clinical_note",
]
