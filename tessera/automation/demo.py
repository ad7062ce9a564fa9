"""Demo: one sweep, so the automated service's patient has their welcome message and
everyone with a questionnaire open has a reminder in the console's e-mail."""

from .sweep import run_automation


def seed(ctx) -> None:
    run_automation()
