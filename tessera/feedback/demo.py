"""Demo feedback templates and a practice patient (safe to run twice)."""

from __future__ import annotations

from tessera.core.models import Episode

from . import actions
from .models import FeedbackTemplate

SHARED = [
    (
        "en",
        "Worksheet received (English)",
        "Hi {name},\n\nThank you for sending in your work on {module}. "
        "You wrote: \u201c{quote}\u201d. "
        "That is a good thing to have noticed.\n\nThis week, try to ... (one concrete step and a "
        "day to do it).\n\nKeep going: you are doing the work that helps.\n\nBest wishes,",
    ),
    (
        "sv",
        "Arbetsblad mottaget (svenska)",
        "Hej {name}!\n\nTack för att du skickade in ditt arbete med {module}. "
        "Du skrev: \u201c{quote}\u201d. "
        "Det är bra att du lade märke till det.\n\nDen här veckan kan du prova att ... (ett "
        "konkret steg och en dag att göra det).\n\nFortsätt så, du gör det arbete som hjälper.\n\n"
        "Hälsningar",
    ),
]
PERSONAL = (
    "en",
    "After a hard week",
    "Hi {name},\n\nThank you for writing, even in a hard week. It makes sense that things felt "
    "heavy. You wrote \u201c{quote}\u201d, and you still did part of {module}: well done.\n\n"
    "For the next few days, try one small step from the module each day.\n\nBest wishes,",
)


def seed(ctx) -> None:
    clinic = ctx.clinics["riverside"]
    manager = ctx.staff["manager"]
    therapist = ctx.staff["therapist"]
    for language, title, body in SHARED:
        if not FeedbackTemplate.objects.filter(clinic=clinic, title=title).exists():
            actions.do_create_template(
                acting_user=manager, clinic=clinic, title=title, language=language, body=body
            )
    language, title, body = PERSONAL
    if not FeedbackTemplate.objects.filter(owner=therapist, title=title).exists():
        actions.do_create_template(acting_user=therapist, title=title, language=language, body=body)
    has_practice = Episode.objects.filter(
        therapist=therapist, clinic=clinic, patient__is_training=True
    ).exists()
    if not has_practice:
        actions.do_create_training_patient(therapist, clinic, acting_user=therapist, language="en")
