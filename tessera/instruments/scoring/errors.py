"""Exceptions raised by the instrument library."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .results import RiskFlag


class InstrumentError(Exception):
    """Base class for every error this package raises on purpose."""


class DefinitionError(InstrumentError):
    """A definition file is malformed; the message names the file and the field."""


class UnknownInstrumentError(InstrumentError, LookupError):
    """No shipped definition has this code."""


class ScoringError(InstrumentError, ValueError):
    """The answers or options passed to the engine cannot be used."""


class InvalidAnswersError(ScoringError):
    """Answers name unknown items or hold values the item does not offer."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class IncompleteAnswersError(ScoringError):
    """Raised by ScoreResult.require_complete() when no total could be given.

    Risk flags found among the answered items travel with the error, so a caller
    that stops at the exception still sees them.
    """

    def __init__(
        self, message: str, missing_items: tuple[int, ...], risk_flags: tuple[RiskFlag, ...]
    ):
        self.missing_items = missing_items
        self.risk_flags = risk_flags
        super().__init__(message)


class RiskOverrideError(ScoringError):
    """A per-clinic risk override names an unknown rule or an impossible threshold."""
