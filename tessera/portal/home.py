"""What the home pages gather from other apps (reads only): the public list of clinics,
the applications of the signed-in person with their next step, and the patient's coming
sessions (issue 14)."""

from __future__ import annotations

from dataclasses import dataclass

from tessera.appointments.models import Appointment
from tessera.core.models import Clinic
from tessera.intake.models import Application, Status
from tessera.intake.status import Phase, applicant_phase
from tessera.intake.timeline import Step
from tessera.intake.views.apply import next_step_url

from .timeline import application_timeline

SESSIONS_SHOWN = 3
APPLICATIONS_SHOWN = 5


def public_clinics() -> list[Clinic]:
    """Every clinic, by name, for the public welcome page."""
    return list(Clinic.objects.select_related("region").order_by("name"))


@dataclass(frozen=True)
class ApplicationRow:
    application: Application
    phase: Phase
    next_url: str
    steps: list[Step]

    @property
    def steps_left(self) -> bool:
        """A step is waiting for the applicant (consent, details, a questionnaire, or
        sending), not only the clinic."""
        return "/status/" not in self.next_url


def applications_of(user) -> list[ApplicationRow]:
    """The person's own applications not yet turned into treatment, newest first, each
    with the link to its next step (a draft: the step to finish; else the status)."""
    rows = (
        Application.objects.visible_to(user)
        .filter(applicant=user)
        .exclude(status__in=[Status.DUPLICATE])
        .select_related("clinic", "episode__programme_version", "episode__clinic")
        .prefetch_related("bookings")
        .order_by("-created_at")[:APPLICATIONS_SHOWN]
    )
    result = []
    for application in rows:
        phase = applicant_phase(application)
        if phase.code == "started":
            continue  # treatment has begun: the home page shows the treatment instead
        result.append(
            ApplicationRow(
                application,
                phase,
                next_step_url(application),
                application_timeline(application),
            )
        )
    return result


def upcoming_sessions(episode) -> list[Appointment]:
    """The next booked sessions of an open episode (blended and face-to-face care)."""
    if episode is None:
        return []
    return list(
        Appointment.objects.filter(episode=episode)
        .upcoming()
        .select_related("therapist")
        .order_by("starts_at")[:SESSIONS_SHOWN]
    )
