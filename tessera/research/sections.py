"""What research adds to the portal's menus (see ``tessera.core.contributions``).

The portal names this module by dotted path (research sits beside it in the top layer).
Staff with the researcher role see "Studies"; patients see "Research studies", where
invitations, consent and withdrawal are. Neither costs a query.

On the patient overview, the care team of an episode randomised in a study sees the
guidance the allocated arm asks of them (guided weekly, on demand, unguided): the arm
sets the plan and the care model by itself, but the rhythm of guidance is the
therapist's to keep, so they must be told (one query; nothing shown otherwise)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tessera.core import access
from tessera.core.contributions import Section
from tessera.core.prepared import Prepared
from tessera.core.reversing import reverse_cached


def staff_nav(user) -> list:
    if access.has_research(user):
        return [(reverse("study_list"), _("Studies"))]
    return []


# The menu's label, made once (translated when the menu is drawn).
RESEARCH_STUDIES = _("Research studies")


def patient_nav(user, base=None) -> list:
    return [(reverse_cached("my_studies", base=base), RESEARCH_STUDIES)]


def _randomised(episode_id):
    from .models import Participant

    return (
        Participant.objects.filter(episode_id=episode_id, randomised_at__isnull=False)
        .select_related("arm", "study")
        .order_by("-randomised_at")[:1]
    )


# Compiled once per process (``core.prepared``): the overview reads it on every opening.
_RANDOMISED = Prepared(_randomised)


def overview_guidance(request, episode) -> dict:
    found = _RANDOMISED(episode.pk)
    return {"participant": found[0] if found else None}


OVERVIEW = [
    Section(
        key="study_guidance",
        title=_("Guidance set by a study"),
        template="research/overview_guidance.html",
        order=85,
        load=overview_guidance,
    )
]


def _home_studies(request, user) -> dict | None:
    """A researcher's studies on their home, each with what they are in it (one query);
    nothing, and no query, for anyone without the researcher role."""
    if not access.has_research(user):
        return None
    from .models import StudyMember

    studies: dict[int, tuple] = {}
    members = (
        StudyMember.objects.filter(user=user)
        .select_related("study")
        .order_by("study__title", "study_id", "role")
    )
    for member in members:
        study, roles = studies.setdefault(member.study_id, (member.study, []))
        roles.append(member.get_role_display())
    return {"studies": list(studies.values())}


STAFF_HOME = [
    Section("studies", _("Your studies"), "research/_home_studies.html", 20, _home_studies)
]
