"""Writes to the wording a clinic enters: atomic, validated and audited.

One module per concept; the functions are re-exported here, so
``from tessera.instruments import actions`` then ``actions.do_...`` reads as before.
"""

from .wording import (  # noqa: F401
    WordingError,
    _all_option_texts,
    _clean,
    _item_texts,
    _option_texts,
    _single_text,
    _texts,
    do_save_clinic_wording,
)

__all__ = [
    "WordingError",
    "do_save_clinic_wording",
]
