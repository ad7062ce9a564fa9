"""Booking sessions, recording what happened, and moving between care models.

One module per concept; the functions are re-exported here, so
``from tessera.appointments import actions`` then ``actions.do_...`` reads as before.
"""

from .care_models import (  # noqa: F401
    do_change_care_model,
)
from .requests import (  # noqa: F401
    do_ask_to_change_session,
    do_handle_change_request,
)
from .sessions import (  # noqa: F401
    MAX_MINUTES,
    _check_booking,
    _locked,
    do_book_appointment,
    do_cancel_appointment,
    do_cancel_coming_sessions,
    do_record_session,
)

__all__ = [
    "MAX_MINUTES",
    "do_book_appointment",
    "do_record_session",
    "do_cancel_appointment",
    "do_cancel_coming_sessions",
    "do_change_care_model",
    "do_ask_to_change_session",
    "do_handle_change_request",
]
