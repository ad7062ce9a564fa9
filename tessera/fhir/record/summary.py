"""The patient's own summary of an episode as a readable PDF (WeasyPrint), in their
language: the same record the FHIR document carries, for a person rather than a
system. Loads nothing from outside (no files, no network)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from tessera.appointments.models import Appointment
from tessera.core import care_words
from tessera.core.clinic_dates import clinic_today
from tessera.instruments.scoring import UnknownInstrumentError, load_definition
from tessera.intake import diagnoses as icd10

from .resources import _activity_status

STATUS_WORDS = {
    "cancelled": translation.gettext_lazy("taken out of the plan"),
    "completed": translation.gettext_lazy("completed"),
    "in-progress": translation.gettext_lazy("started"),
    "scheduled": translation.gettext_lazy("opens later"),
    "not-started": translation.gettext_lazy("not started"),
}


def _instrument_name(code: str) -> str:
    try:
        name = load_definition(code).name
    except UnknownInstrumentError:
        return code
    return code if name == code else f"{code} ({name})"


def _to_rebook(record, now) -> set[int]:
    """The record's coming sessions whose therapist has left, to be booked again as the
    patient's pages say (decision 0096, ``needing_new_clinician``): one query, and only
    when a session is still coming."""
    coming = [
        a.pk
        for a in record.appointments
        if a.status == Appointment.Status.BOOKED and a.starts_at >= now
    ]
    if not coming:
        return set()
    return set(
        Appointment.objects.filter(pk__in=coming)
        .needing_new_clinician(now)
        .values_list("pk", flat=True)
    )


def summary_context(record, language: str) -> dict:
    today = clinic_today(record.episode.clinic)
    now = timezone.now()
    to_rebook = _to_rebook(record, now)
    return {
        "language": language,
        "episode": record.episode,
        "patient": record.patient,
        "diagnoses": [(code, icd10.label(code, language)) for code in record.diagnoses],
        "plan": [
            (entry.module_version.title, STATUS_WORDS[_activity_status(entry, today)])
            for entry in record.plan
        ],
        "measures": [
            (_instrument_name(r.instrument), r.submitted_at, r.total) for r in record.responses
        ],
        "sessions": [
            (a, care_words.summary_session_status(a, to_rebook=a.pk in to_rebook))
            for a in record.appointments
        ],
        "sessions_to_rebook": (
            care_words.summary_sessions_to_rebook(record.episode.clinic) if to_rebook else ""
        ),
        "messages_from_you": sum(1 for m in record.messages if m.from_patient),
        "messages_to_you": sum(1 for m in record.messages if not m.from_patient),
        "letters": record.letters,
        "made_at": now,
    }


def summary_html(record, language: str) -> str:
    with translation.override(language):
        return render_to_string("fhir/summary_pdf.html", summary_context(record, language))


def summary_pdf(record, language: str) -> bytes:
    from weasyprint import CSS, HTML  # heavy: loaded only to make a PDF

    css = CSS(
        string="@page { size: A4; margin: 20mm; } body { font-family: sans-serif; "
        "font-size: 11pt; } table { border-collapse: collapse; width: 100%; } "
        "th, td { text-align: left; padding: 2pt 6pt 2pt 0; border-bottom: 0.5pt solid #999; }"
    )
    html = summary_html(record, language)
    return HTML(string=html, base_url=None, url_fetcher=_refuse).write_pdf(stylesheets=[css])


def _refuse(url, *args, **kwargs):
    raise ValueError(f"the summary loads no external resources ({url[:40]})")
