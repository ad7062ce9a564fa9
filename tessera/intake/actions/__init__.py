"""Writes of intake: atomic and audited, one module per concept.

- ``apply``: the applicant's and the referrer's: consent, details, screening, sending, referring;
- ``triage``: triage of a submitted application;
- ``decisions``: the assessment and its decision, and starting from the waiting list;
- ``self_start``: an unguided course started at once after a clean screening;
- ``messages``: applicants writing to the clinic, and the intake team answering;
- ``urgent``: acknowledging an urgent application, and passing it on when nobody does.

The public functions are re-exported here, so ``from tessera.intake import actions`` then
``actions.do_...`` reads as before.
"""

from .apply import (
    clean_details,
    do_accept_consent,
    do_claim_invitation,
    do_publish_consent_text,
    do_refer,
    do_save_details,
    do_save_screening_draft,
    do_start_application,
    do_submit_application,
    do_submit_screening,
    next_instrument,
    screening_draft,
)
from .decisions import (
    do_assess,
    do_start_from_waiting_list,
    programme_choices,
)
from .messages import (
    do_answer_applicant,
    do_mark_read,
    do_write_to_clinic,
)
from .self_start import clean_screening_programme, do_start_after_clean_screening
from .triage import (
    OWNER_KEEP,
    OWNER_NEWER,
    assessor_choices,
    do_ask_for_information,
    do_book_assessment,
    do_decline,
    do_merge_duplicate,
    do_redirect,
)
from .urgent import do_acknowledge_urgent, escalate_overdue_urgent

__all__ = [
    "OWNER_KEEP",
    "OWNER_NEWER",
    "do_publish_consent_text",
    "do_start_application",
    "do_claim_invitation",
    "do_accept_consent",
    "clean_details",
    "do_save_details",
    "do_save_screening_draft",
    "screening_draft",
    "do_submit_screening",
    "next_instrument",
    "do_submit_application",
    "do_refer",
    "do_ask_for_information",
    "assessor_choices",
    "do_book_assessment",
    "do_decline",
    "do_redirect",
    "do_merge_duplicate",
    "programme_choices",
    "do_assess",
    "do_start_from_waiting_list",
    "clean_screening_programme",
    "do_start_after_clean_screening",
    "do_write_to_clinic",
    "do_answer_applicant",
    "do_mark_read",
    "do_acknowledge_urgent",
    "escalate_overdue_urgent",
]
