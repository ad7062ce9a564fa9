"""Writes of research: atomic and audited, one module per concept.

- ``studies``: a study's protocol, arms, measures, staff, consent texts, recruitment;
- ``participants``: invitation, consent, eligibility, exclusion, withdrawal,
  discontinuation, unblinding, deviations;
- ``allocation``: randomisation;
- ``applications``: research consent inside the self-referral flow.
"""

from .allocation import do_randomise
from .applications import do_answer_at_application, open_studies_for
from .participants import (
    do_confirm_eligibility,
    do_decline,
    do_discontinue,
    do_exclude,
    do_give_consent,
    do_invite,
    do_record_deviation,
    do_unblind,
    do_withdraw,
    invitation_closed,
    latest_consent,
)
from .reads import record_participant_read
from .studies import (
    PROTOCOL_FIELDS,
    arms_digest,
    consent_versions_drawn,
    do_add_measure,
    do_add_member,
    do_close_study,
    do_create_study,
    do_export,
    do_extend_sequence,
    do_open_recruitment,
    do_publish_consent,
    do_remove_member,
    do_save_arm,
    do_update_study,
    places_left,
    protocol_digest,
    sequence_length,
)

__all__ = [
    "PROTOCOL_FIELDS",
    "arms_digest",
    "consent_versions_drawn",
    "do_add_measure",
    "do_answer_at_application",
    "do_add_member",
    "do_close_study",
    "do_confirm_eligibility",
    "do_create_study",
    "do_decline",
    "do_discontinue",
    "do_exclude",
    "do_export",
    "do_extend_sequence",
    "do_give_consent",
    "do_invite",
    "do_open_recruitment",
    "do_publish_consent",
    "do_randomise",
    "do_record_deviation",
    "do_remove_member",
    "do_save_arm",
    "do_unblind",
    "do_update_study",
    "protocol_digest",
    "do_withdraw",
    "invitation_closed",
    "latest_consent",
    "open_studies_for",
    "sequence_length",
    "places_left",
    "record_participant_read",
]
