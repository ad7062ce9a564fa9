"""Letters to the patient's GP or referrer go only where the patient agrees to them and
there is someone on the record to write to."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def gp_letter_refusal(patient) -> str | None:
    """Why no letter can go to this patient's GP, or None when one can."""
    if not patient.letters_to_gp:
        return str(_("The patient has not agreed to letters to their GP or referrer."))
    if not patient.gp_name.strip():
        return str(_("There is no GP or referrer on the patient's record."))
    return None
