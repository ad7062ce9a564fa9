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
# A shared template in the clinic's own language at the Norwegian, Danish and Dutch demo
# clinics (our own wording): offered first when the patient reads that language.
LOCAL = {
    ("fjordside", "fjord.manager"): (
        "nb",
        "Arbeidsark mottatt (norsk)",
        "Hei {name}!\n\nTakk for at du sendte inn arbeidet ditt med {module}. "
        "Du skrev: \u00ab{quote}\u00bb. Det er bra at du la merke til det.\n\nDenne uken kan "
        "du prøve å ... (ett konkret steg og en dag du gjør det).\n\nFortsett sånn, du gjør "
        "arbeidet som hjelper.\n\nHilsen",
    ),
    ("harbour", "harbour.manager"): (
        "da",
        "Arbejdsark modtaget (dansk)",
        "Hej {name}\n\nTak, fordi du sendte dit arbejde med {module}. "
        "Du skrev: \u201d{quote}\u201d. Det er godt, at du lagde mærke til det.\n\nI denne uge "
        "kan du prøve at ... (ét konkret skridt og en dag at gøre det).\n\nBliv ved, du gør "
        "det arbejde, der hjælper.\n\nVenlig hilsen",
    ),
    ("canal", "canal.manager"): (
        "nl",
        "Werkblad ontvangen (Nederlands)",
        "Hoi {name},\n\nDank je wel voor je werk aan {module}. "
        "Je schreef: \u2018{quote}\u2019. Goed dat je dat hebt opgemerkt.\n\nProbeer deze week "
        "... (één concrete stap en een dag om het te doen).\n\nGa zo door: je doet het werk "
        "dat helpt.\n\nGroet,",
    ),
}
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
    for (slug, manager_local), (language, title, body) in LOCAL.items():
        local = ctx.clinics.get(slug)
        if local is None or manager_local not in ctx.staff:
            continue  # a smaller demo (the tests') without that clinic
        if not FeedbackTemplate.objects.filter(clinic=local, title=title).exists():
            actions.do_create_template(
                acting_user=ctx.staff[manager_local],
                clinic=local,
                title=title,
                language=language,
                body=body,
            )
    language, title, body = PERSONAL
    if not FeedbackTemplate.objects.filter(owner=therapist, title=title).exists():
        actions.do_create_template(acting_user=therapist, title=title, language=language, body=body)
    has_practice = Episode.objects.filter(
        therapist=therapist, clinic=clinic, patient__is_training=True
    ).exists()
    if not has_practice:
        actions.do_create_training_patient(therapist, clinic, acting_user=therapist, language="en")
