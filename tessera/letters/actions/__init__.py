"""Writing a letter to the patient's GP or referrer, where the patient agrees to it.

One module per concept; the functions are re-exported here, so
``from tessera.letters import actions`` then ``actions.do_...`` reads as before.
"""

from .letters import (  # noqa: F401
    NOTE_LIMIT,
    _about,
    application_recipient,
    clean_choices,
    do_write_application_letter,
    do_write_letter,
)
from .receipts import do_send_referral_receipt  # noqa: F401

__all__ = [
    "do_send_referral_receipt",
    "do_write_letter",
    "application_recipient",
    "do_write_application_letter",
]
