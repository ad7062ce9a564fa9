"""Staff roles. A person may hold several, in one or more clinics."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    INTAKE_COORDINATOR = "intake", _("Intake coordinator")
    THERAPIST = "therapist", _("Therapist")
    ASSESSOR = "assessor", _("Assessor")
    SUPERVISOR = "supervisor", _("Supervisor")
    CLINIC_MANAGER = "manager", _("Clinic manager")
    CONTENT_AUTHOR = "author", _("Content author")
    RESEARCHER = "researcher", _("Researcher")


class AssessorProfession(models.TextChoices):
    PHYSICIAN = "physician", _("Physician")
    PSYCHOLOGIST = "psychologist", _("Psychologist")


# Roles whose work needs every patient of the clinic (intake, assessment, supervision,
# running the service). A therapist sees only their own caseload; content authors and
# researchers see no identifiable patient data.
CLINIC_WIDE_ROLES = frozenset(
    {Role.INTAKE_COORDINATOR, Role.ASSESSOR, Role.SUPERVISOR, Role.CLINIC_MANAGER}
)
CLINICAL_ROLES = CLINIC_WIDE_ROLES | {Role.THERAPIST}


class StudyRole(models.TextChoices):
    """Roles a staff member holds in one research study (``research.StudyMember``).

    They come on top of a clinic role: only someone with a staff role at one of the
    study's clinics can hold one. What each may do is decided in core/access/research.py.
    """

    INVESTIGATOR = "investigator", _("Investigator")
    COORDINATOR = "coordinator", _("Research coordinator")
    BLINDED_ASSESSOR = "blinded_assessor", _("Blinded outcome assessor")
