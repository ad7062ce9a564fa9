"""What consultation adds to the portal's pages (see ``tessera.core.contributions``).

The menu entries (no queries: roles come from the per-request cache), and the
"consultations" section of the episode overview: live requests about this episode that
the viewer takes part in, and the supervision notes the viewer may read."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tessera.core import access
from tessera.core.contributions import Section

from .actions import sees_by_own_role
from .models import ConsultationRequest, SupervisedCase, SupervisionNote

NOTES_SHOWN = 5


def staff_nav(user) -> list:
    entries = []
    if access.has_consultations(user):
        entries.append((reverse("consultation_list"), _("Consultations")))
    if access.has_supervision(user):
        entries.append((reverse("supervision_list"), _("Supervision")))
    return entries


def load(request, episode) -> dict:
    user = request.user
    consultations = list(
        ConsultationRequest.objects.visible_to(user)
        .live()
        .filter(episode=episode)
        # The colleague only: the section names no asker (joining them was one more
        # descent of the users' key, a level deeper as the staff grow; decision 0090).
        .select_related("colleague")
        .order_by("-created_at", "-id")[:20]
    )
    notes = list(
        SupervisionNote.objects.visible_to(user)
        .filter(episode=episode)
        .select_related("supervisor")[:NOTES_SHOWN]
    )
    return {
        "episode": episode,
        "consultations": consultations,
        "supervision_notes": notes,
        "may_ask": sees_by_own_role(user, episode),
        # The supervision page serves the clinic's supervisors and the responsible
        # therapist only (access.supervision_episode_q): no link that answers 404.
        "may_see_supervision": (
            episode.clinic_id in access.supervising_clinic_ids(user)
            or (episode.therapist_id == user.pk and access.has_clinical_role(user))
        ),
    }


SECTION = Section(
    key="consultations",
    title=_("Consultations and supervision"),
    template="consultation/overview_section.html",
    order=80,
    load=load,
)

OVERVIEW = [SECTION]


def _home(request, user) -> dict | None:
    """A clinician's consultations and a supervisor's followed cases on their home
    (decision 0162): the questions from colleagues nobody has answered yet, the answers
    to their own questions they have not read, and the cases they follow in
    supervision. One query for the consultations, one more for a supervisor; nothing,
    and no query, for anyone else. Counts only: no patient is named on the home."""
    if not access.may_see_patient_data(user):
        return None
    consults = access.has_consultations(user)
    supervising = access.supervising_clinic_ids(user) if access.has_supervision(user) else []
    if not consults and not supervising:
        return None
    counts = (
        ConsultationRequest.objects.home_counts(user)
        if consults
        else {"unanswered": 0, "answered": 0}
    )
    followed = (
        SupervisedCase.objects.followed_by(user, supervising).count() if supervising else None
    )
    if not counts["unanswered"] and not counts["answered"] and followed is None:
        return None  # a therapist with nothing open: the home stays as it was
    return {**counts, "followed": followed}


STAFF_HOME = [
    Section(
        "consultations",
        _("Consultations and supervision"),
        "consultation/_home.html",
        10,
        _home,
    )
]
