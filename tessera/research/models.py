"""Studies run inside the clinic, on the same episodes: protocol, arms, staff, research
consent, the allocation sequence, participants and what happens to them.

Rows are written only by ``research.actions`` (atomic, audited). The allocation sequence
(``AllocationSlot``) is never shown on a page: it is generated when recruitment opens
and used up one slot at a time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tessera.core import identity
from tessera.core.access.research import participant_q_for_patient, studies_visible_q
from tessera.core.models import Episode
from tessera.core.models.organisation import LANGUAGE_CHOICES
from tessera.core.roles import StudyRole
from tessera.instruments.time_points import TimePoint


class StudyQuerySet(models.QuerySet):
    def visible_to(self, user) -> StudyQuerySet:
        return self.filter(studies_visible_q(user)).distinct()

    def with_sites(self, user) -> list[Study]:
        """These studies, each with ``sites``: its clinics by name (id and name only).
        The study's clinic ids from the link table, their names from the user's kept
        role clinics (``identity.clinics_by_name``: no query when every site is one of
        them), not a join on the clinics table, which the planner reads whole (one row
        per thousand patients) for a few rows (issue 16)."""
        studies = list(self)
        links = list(
            Study.clinics.through.objects.filter(study_id__in=[s.pk for s in studies])
            .order_by()
            .values_list("study_id", "clinic_id")
        )
        clinics = identity.clinics_by_name(user, {clinic for _study, clinic in links})
        of_study: dict[int, set[int]] = {}
        for study_id, clinic_id in links:
            of_study.setdefault(study_id, set()).add(clinic_id)
        for study in studies:
            mine = of_study.get(study.pk, set())
            study.sites = [clinic for clinic in clinics if clinic.pk in mine]
        return studies


class Study(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        RECRUITING = "recruiting", _("recruiting")
        CLOSED = "closed", _("closed to recruitment")
        ARCHIVED = "archived", _("archived")

    key = models.SlugField(_("short name"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    clinics = models.ManyToManyField("core.Clinic", related_name="studies", verbose_name=_("sites"))
    registry_id = models.CharField(_("trial registry id"), max_length=60, blank=True)
    ethics_approval_id = models.CharField(_("ethics approval id"), max_length=60, blank=True)
    ethics_approved_on = models.DateField(_("ethics approval date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    eligibility = models.JSONField(_("eligibility rules"), default=dict, blank=True)
    target_size = models.PositiveIntegerField(_("planned number of participants"), default=100)
    stratify_by_site = models.BooleanField(_("stratify by site"), default=True)
    severity_instrument = models.CharField(
        _("stratify by baseline severity on"), max_length=32, blank=True
    )
    severity_cutoff = models.PositiveSmallIntegerField(
        _("severe from (total score)"), null=True, blank=True
    )
    # The allocation sequence's recipe, recorded when recruitment opens.
    seed = models.CharField(max_length=64, blank=True)
    method = models.CharField(max_length=200, blank=True)
    block_multipliers = models.JSONField(default=list, blank=True)
    sequence_generated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StudyQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name_plural = "studies"

    def __str__(self) -> str:
        return self.title


class Arm(models.Model):
    class Guidance(models.TextChoices):
        GUIDED_WEEKLY = "guided_weekly", _("guided weekly")
        GUIDED_ON_DEMAND = "guided_on_demand", _("guided on demand")
        UNGUIDED = "unguided", _("unguided")

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="arms")
    code = models.SlugField(_("code"), max_length=20)
    label = models.CharField(_("name"), max_length=120)
    programme_version = models.ForeignKey(
        "programs.ProgrammeVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme (empty: a tailored plan)"),
    )
    care_model = models.CharField(_("care model"), max_length=16, choices=Episode.CareModel.choices)
    guidance = models.CharField(_("guidance"), max_length=20, choices=Guidance.choices)
    ratio = models.PositiveSmallIntegerField(_("allocation ratio"), default=1)

    class Meta:
        ordering = ["study", "code"]
        constraints = [models.UniqueConstraint(fields=["study", "code"], name="one_arm_code")]

    def __str__(self) -> str:
        return self.label


class StudyMeasure(models.Model):
    """A research measure: a questionnaire at a time point, counted in days from
    randomisation."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="measures")
    instrument = models.CharField(_("questionnaire"), max_length=32)
    time_point = models.CharField(_("time point"), max_length=16, choices=TimePoint.choices)
    days_after_randomisation = models.PositiveSmallIntegerField(_("days after randomisation"))

    class Meta:
        ordering = ["days_after_randomisation", "instrument"]
        constraints = [
            models.UniqueConstraint(
                fields=["study", "instrument", "time_point"], name="one_study_measure"
            )
        ]


class StudyMember(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_roles"
    )
    role = models.CharField(_("study role"), max_length=20, choices=StudyRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["study", "user", "role"], name="one_study_role")
        ]


class ConsentVersion(models.Model):
    """Research consent text, versioned per language; separate from consent to care."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="consent_versions")
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGE_CHOICES)
    version = models.PositiveSmallIntegerField()
    text = models.TextField(_("consent text"))
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["study", "language", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["study", "language", "version"], name="one_consent_version"
            )
        ]


class AllocationSlot(models.Model):
    """One place in the concealed allocation sequence of a stratum."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="slots")
    stratum = models.CharField(max_length=120)
    position = models.PositiveIntegerField()
    block = models.PositiveIntegerField()
    block_size = models.PositiveSmallIntegerField()
    arm = models.ForeignKey(Arm, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["study", "stratum", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["study", "stratum", "position"], name="one_slot_per_position"
            )
        ]


class ParticipantQuerySet(models.QuerySet):
    def randomised(self) -> ParticipantQuerySet:
        return self.filter(randomised_at__isnull=False)

    def of_patient(self, user) -> ParticipantQuerySet:
        return self.filter(participant_q_for_patient(user))

    def newest_first(self) -> ParticipantQuerySet:
        """The study's "Everyone asked", the latest invitation first: the rows a
        coordinator follows up are the recent ones, and a study's list grows for years."""
        return self.order_by("-invited_at", "-pk")


class Participant(models.Model):
    class Exclusion(models.TextChoices):
        NOT_ELIGIBLE = "not_eligible", _("did not meet the eligibility rules")
        DECLINED = "declined", _("declined to take part")
        OTHER = "other", _("other reason")

    class Withdrawal(models.TextChoices):
        STOP_NEW_DATA = "stop_new_data", _("stop new research data")
        REMOVE_FROM_EXPORTS = (
            "remove_from_exports",
            _("also remove my data from future exports"),
        )

    class Discontinuation(models.TextChoices):
        LOST = "lost_to_follow_up", _("lost to follow-up")
        DISCONTINUED = "discontinued", _("discontinued the intervention")

    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="participants")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="+")
    pseudonym = models.CharField(max_length=20)
    invited_at = models.DateTimeField()
    consent_version = models.ForeignKey(
        ConsentVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consented_at = models.DateTimeField(null=True, blank=True)
    eligibility_confirmed_at = models.DateTimeField(null=True, blank=True)
    eligibility_findings = models.JSONField(default=dict, blank=True)
    excluded_at = models.DateTimeField(null=True, blank=True)
    exclusion = models.CharField(max_length=16, choices=Exclusion.choices, blank=True)
    exclusion_note = models.CharField(max_length=300, blank=True)
    stratum = models.CharField(max_length=120, blank=True)
    slot = models.OneToOneField(
        AllocationSlot, on_delete=models.PROTECT, null=True, blank=True, related_name="participant"
    )
    arm = models.ForeignKey(Arm, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    randomised_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal = models.CharField(max_length=20, choices=Withdrawal.choices, blank=True)
    discontinued_at = models.DateTimeField(null=True, blank=True)
    discontinuation = models.CharField(max_length=20, choices=Discontinuation.choices, blank=True)
    discontinuation_note = models.CharField(max_length=300, blank=True)
    unblinded_at = models.DateTimeField(null=True, blank=True)
    unblinding_reason = models.CharField(max_length=300, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["study", "invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["study", "episode"], name="one_participant_per_episode"
            ),
            models.UniqueConstraint(fields=["study", "pseudonym"], name="one_pseudonym_per_study"),
            models.CheckConstraint(
                condition=Q(randomised_at__isnull=True) | Q(arm__isnull=False),
                name="randomised_has_arm",
            ),
        ]

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def stage(self) -> str:
        if self.withdrawn_at:
            return "withdrawn"
        if self.randomised_at:
            return "randomised"
        if self.excluded_at:
            return "excluded"
        if self.consented_at and self.eligibility_confirmed_at:
            return "ready"
        if self.consented_at:
            return "consented"
        return "invited"


class ResearchMeasure(models.Model):
    """A research measure scheduled for a participant: the questionnaire occasion of
    treatment (``DueMeasure``) it is answered on."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="measures")
    measure = models.ForeignKey(StudyMeasure, on_delete=models.PROTECT, related_name="+")
    due = models.ForeignKey("treatment.DueMeasure", on_delete=models.PROTECT, related_name="+")
    # Planned for the study alone (the clinic's schedule did not already ask for it): it
    # is cancelled when the participant withdraws; a shared occasion stays, as care does.
    study_only = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "measure"], name="one_research_measure")
        ]


class Deviation(models.Model):
    """A protocol deviation, recorded as it is noticed."""

    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="deviations")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, null=True, blank=True, related_name="deviations"
    )
    description = models.CharField(_("what happened"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]


class ApplicationAnswer(models.Model):
    """What a self-referring applicant answered about a study open at the clinic they
    applied to: consent (with the version of the text they read) or decline. Separate
    from consent to care: the application goes on the same either way. When the
    patient's episode is invited to the study, the answer is carried over."""

    class Answer(models.TextChoices):
        CONSENTED = "consented", _("consented")
        DECLINED = "declined", _("declined")

    application = models.ForeignKey(
        "intake.Application", on_delete=models.CASCADE, related_name="+"
    )
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="application_answers")
    answer = models.CharField(max_length=12, choices=Answer.choices)
    consent_version = models.ForeignKey(
        ConsentVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "study"], name="one_answer_per_application_and_study"
            )
        ]

    def __str__(self) -> str:
        return f"{self.study_id}: {self.answer}"
