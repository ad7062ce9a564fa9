"""The world's patient agreeing to letters to their GP, for the letters' tests."""

from __future__ import annotations

from tessera.core.actions import do_update_patient_details


def agree_to_gp_letters(world) -> None:
    """The patient names their GP (Dr Eva Ek at Vårdcentralen Norr) and agrees to letters
    to them, as the therapist records it; ``world.patient`` read again."""
    do_update_patient_details(
        world.patient,
        acting_user=world["therapist"],
        gp_name="Dr Eva Ek",
        gp_practice="Vårdcentralen Norr",
        letters_to_gp=True,
    )
    world.patient.refresh_from_db()
