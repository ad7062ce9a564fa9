"""Writes of the automation: an automated message at a point, and a patient's call for help.

One module per concept; the functions are re-exported here, so
``from tessera.automation import actions`` then ``actions.do_...`` reads as before.
"""

from .help import (  # noqa: F401
    HELP_MAX_LENGTH,
    do_ask_for_help,
)
from .points import (  # noqa: F401
    KEY_NAMESPACE,
    do_send_point,
    message_key,
)

__all__ = [
    "KEY_NAMESPACE",
    "message_key",
    "do_send_point",
    "HELP_MAX_LENGTH",
    "do_ask_for_help",
]
