"""Writes of the feedback app: templates and practice replies, atomic and audited.

One module per concept; the functions are re-exported here, so
``from tessera.feedback import actions`` then ``actions.do_...`` reads as before.
"""

from .practice import (  # noqa: F401
    do_create_training_patient,
    do_save_practice_reply,
)
from .templates import (  # noqa: F401
    TEMPLATE_FIELDS,
    do_create_template,
    do_delete_template,
    do_update_template,
)

__all__ = [
    "TEMPLATE_FIELDS",
    "do_create_template",
    "do_update_template",
    "do_delete_template",
    "do_save_practice_reply",
    "do_create_training_patient",
]
