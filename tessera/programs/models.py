"""The module library and programmes, both versioned.

A Module (and a Programme) is an identity with a stable key; its content lives in
numbered versions. A version is a draft while it is edited and becomes immutable when
published; editing a published module starts a new draft. Programme versions pin the
published module versions they use, so a patient stays on what they started.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tessera.instruments.scoring.primary import primary_for


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class ProblemArea(models.TextChoices):
    DEPRESSION = "depression", _("depression")
    PANIC = "panic", _("panic disorder")
    INSOMNIA = "insomnia", _("insomnia")
    SOCIAL_ANXIETY = "social_anxiety", _("social anxiety")
    WORRY = "worry", _("worry and generalised anxiety")
    PTSD = "ptsd", _("post-traumatic stress")
    # The other problems NHS Talking Therapies measures with their own questionnaire
    # (Clark 2018 Table 2; CLINICAL.md §2): issue 12 item 4.
    AGORAPHOBIA = "agoraphobia", _("agoraphobia")
    HEALTH_ANXIETY = "health_anxiety", _("health anxiety")
    OCD = "ocd", _("obsessive-compulsive disorder")
    TRANSDIAGNOSTIC = "transdiagnostic", _("transdiagnostic")
    OTHER = "other", _("other")


class UnlockRule(models.TextChoices):
    ALL_AT_ONCE = "all_at_once", _("all modules at once")
    WEEKLY = "weekly", _("one module a week")
    AFTER_PREVIOUS = "after_previous", _("after completing the previous module")
    MANUAL = "manual", _("opened by the therapist")


class StepKind(models.TextChoices):
    TEXT = "text", _("text")
    IMAGE = "image", _("image")
    AUDIO = "audio", _("audio")
    VIDEO = "video", _("video")
    WORKSHEET = "worksheet", _("worksheet")
    HOMEWORK = "homework", _("homework to register during the week")


# Field types of worksheets and homework (see docs/content-packages.md).
FIELD_TYPES = (
    "text",
    "longtext",
    "number",
    "choice",
    "scale_0_10",
    "scale_0_100",
    "date",
    "time",
    "datetime",
    "table",
)


class Module(models.Model):
    key = models.SlugField(_("key"), max_length=80)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="modules")
    # The same module in another language: a translation points at the module it
    # translates (never at another translation). Patients get the version in their
    # language where one is published (tessera/programs/translations.py).
    translation_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="translations",
        verbose_name=_("translation of"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "key"], name="module_key_per_region")
        ]

    def __str__(self) -> str:
        return self.key


class ModuleVersion(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    language = models.CharField(_("language"), max_length=5, default="en")
    estimated_minutes = models.PositiveSmallIntegerField(_("minutes to work through"), default=20)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["module", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["module", "number"], name="module_version_number"),
            models.UniqueConstraint(
                fields=["module"], condition=Q(status="draft"), name="one_draft_per_module"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number}, {self.get_status_display()})"

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED


class MediaFile(models.Model):
    """An image, audio or video file, stored once per region and content hash."""

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="media")
    file = models.FileField(upload_to="content/%Y/")
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "sha256"], name="media_once_per_region")
        ]

    def __str__(self) -> str:
        return self.original_name


class Step(models.Model):
    module_version = models.ForeignKey(
        ModuleVersion, on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("kind"), max_length=16, choices=StepKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (markdown)"), blank=True)
    media = models.ForeignKey(MediaFile, on_delete=models.PROTECT, null=True, blank=True)
    media_alt = models.CharField(_("description of the image"), max_length=300, blank=True)
    transcript = models.TextField(_("captions or transcript (markdown)"), blank=True)
    fields = models.JSONField(_("fields"), default=list, blank=True)
    # "Add the step" sent twice adds one step (decision 0070).
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["module_version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["module_version", "position"], name="step_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    def content_digest(self) -> str:
        """The step's content as an editor's form drew it, for the form to send back: a
        save from a form drawn before someone else's is refused (decision 0149)."""
        content = [self.title, self.body, self.media_id, self.media_alt, self.transcript]
        text = json.dumps([*content, self.fields], sort_keys=True, default=str)
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


class Programme(models.Model):
    key = models.SlugField(_("key"), max_length=80)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="programmes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "key"], name="programme_key_per_region")
        ]

    def __str__(self) -> str:
        return self.key


class ProgrammeVersion(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(_("title"), max_length=200)
    problem_area = models.CharField(_("problem area"), max_length=32, choices=ProblemArea.choices)
    languages = models.JSONField(_("languages"), default=list)
    care_model = models.CharField(
        _("care model"),
        max_length=16,
        choices=[("guided", _("guided")), ("unguided", _("unguided")), ("blended", _("blended"))],
        default="guided",
    )
    unlock_rule = models.CharField(
        _("unlock rule"), max_length=16, choices=UnlockRule.choices, default=UnlockRule.WEEKLY
    )
    weeks = models.PositiveSmallIntegerField(_("length in weeks"), default=10)
    eligibility = models.JSONField(_("eligibility rules"), default=dict, blank=True)
    default_measures = models.JSONField(_("default measurement schedule"), default=list, blank=True)
    # The disorder-specific measure the programme's outcome is read on; empty means the
    # problem area's default (tessera.instruments.scoring.primary, sources there).
    primary_measure = models.CharField(_("primary measure"), max_length=16, blank=True)
    description_patient = models.TextField(_("description for patients (markdown)"), blank=True)
    description_professional = models.TextField(
        _("description for GPs and professionals (markdown)"), blank=True
    )
    evidence = models.TextField(_("what the evidence says"), blank=True)
    # The patient-facing text in other languages: {"nb": {"title": …,
    # "description_patient": …}}; shown by tessera/programs/translations.py.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["programme", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="programme_version_number"
            ),
            models.UniqueConstraint(
                fields=["programme"], condition=Q(status="draft"), name="one_draft_per_programme"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number}, {self.get_status_display()})"

    @property
    def title_language(self) -> str:
        """The language ``title`` is written in: the programme's first (as
        ``translations.programme_text`` reads it), for ``lang`` on pages in another."""
        return (self.languages or ["en"])[0]

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def primary_measure_code(self) -> str:
        """The primary measure: the one chosen, else the problem area's default."""
        return primary_for(self.problem_area, self.primary_measure)


class ProgrammeModule(models.Model):
    """A module in a programme version, pinned to one published module version."""

    programme_version = models.ForeignKey(
        ProgrammeVersion, on_delete=models.CASCADE, related_name="entries"
    )
    module_version = models.ForeignKey(
        ModuleVersion, on_delete=models.PROTECT, related_name="programme_entries"
    )
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["programme_version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme_version", "position"], name="programme_module_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.module_version}"


class ClinicEligibility(models.Model):
    """A clinic's own eligibility rules for a programme, used instead of the rules of the
    programme's published version at that clinic (tessera/programs/matching). Written only
    by ``programs.eligibility.do_save_clinic_eligibility``; the format is docs/matching.md."""

    clinic = models.ForeignKey(
        "core.Clinic", on_delete=models.CASCADE, related_name="programme_eligibility"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="clinic_eligibility"
    )
    rules = models.JSONField(_("eligibility rules"), default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "programme"], name="clinic_eligibility_once")
        ]

    def __str__(self) -> str:
        return f"{self.programme} at {self.clinic}"
