"""Writes of time records: heartbeats from an open page, and time added by hand.

One module per concept; the functions are re-exported here, so
``from tessera.workload import actions`` then ``actions.do_...`` reads as before.
"""

from .time import (  # noqa: F401
    BEAT_SECONDS,
    MAX_CREDIT,
    MAX_GAP,
    MAX_MANUAL_MINUTES,
    _advance,
    _credit,
    _latest_active,
    do_add_manual_time,
    do_add_measured_time,
    do_heartbeat,
)

__all__ = [
    "BEAT_SECONDS",
    "MAX_CREDIT",
    "MAX_GAP",
    "MAX_MANUAL_MINUTES",
    "do_heartbeat",
    "do_add_measured_time",
    "do_add_manual_time",
]
