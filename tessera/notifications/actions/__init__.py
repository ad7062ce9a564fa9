"""Changing how a person wants to be told (audited; the values carry nothing clinical).

One module per concept; the functions are re-exported here, so
``from tessera.notifications import actions`` then ``actions.do_...`` reads as before.
"""

from .preferences import (  # noqa: F401
    FIELDS,
    do_save_preferences,
)

__all__ = [
    "FIELDS",
    "do_save_preferences",
]
