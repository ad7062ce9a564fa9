"""The care models a clinic runs (its settings), for the assessment's choice and check."""

from __future__ import annotations

from tessera.core.models import Episode


def offered(clinic) -> list[tuple[str, object]]:
    """(value, label) of each care model the clinic offers, in the usual order.
    Face-to-face care is not an intake choice (a blended episode books sessions)."""
    flags = {
        Episode.CareModel.GUIDED: clinic.offers_guided,
        Episode.CareModel.UNGUIDED: clinic.offers_unguided,
        Episode.CareModel.BLENDED: clinic.offers_blended,
    }
    return [(value, label) for value, label in Episode.CareModel.choices if flags.get(value)]


def label(value: str) -> str:
    return str(dict(Episode.CareModel.choices).get(value, value))
