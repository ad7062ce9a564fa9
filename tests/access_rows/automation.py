"""Asking for help (tessera/automation): patients with an open episode only."""

from tests.access_rows.base import PATIENTS, Row, only

ROWS: dict[str, Row] = {
    "ask_for_help": Row(only(PATIENTS)),
    "ask_for_help_sent": Row(only(PATIENTS)),
}
