"""Consent texts, applications (self-referral, professional or FHIR referral) and referrals.

An application is one person asking one clinic for care. It carries the whole intake
funnel: every step stamps its own time (created, submitted, screened, triaged, assessment
booked, assessed, decided, started), so waiting times and the funnel can be reported
without reconstructing them from the audit trail.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tessera.core.access import applications_visible_to
from tessera.core.languages import content_order
from tessera.core.models.organisation import COUNTRY_CHOICES, LANGUAGE_CHOICES


class ConsentText(models.Model):
    """A versioned consent text of a clinic in one language. Published texts never change;
    a change is a new version. The version an applicant accepted is kept on the application."""

    clinic = models.ForeignKey(
        "core.Clinic", on_delete=models.PROTECT, related_name="consent_texts"
    )
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGE_CHOICES)
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("consent text (markdown)"))
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["clinic", "language", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "language", "version"], name="consent_version_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.clinic} consent {self.language} v{self.version}"

    @classmethod
    def current(cls, clinic, language: str) -> ConsentText | None:
        """The newest published text in the language, else in the clinic's next language
        that has one (``content_order``: the page marks it with ``lang``), else the newest
        in any language. One query."""
        published = list(
            cls.objects.filter(clinic=clinic, published_at__isnull=False).order_by(
                "-published_at", "-version"
            )
        )
        for code in content_order(language, clinic):
            found = [t for t in published if t.language == code]
            if found:
                return max(found, key=lambda t: t.version)
        return published[0] if published else None


class Source(models.TextChoices):
    SELF = "self", _("Self-referral")
    PROFESSIONAL = "professional", _("Professional referral")
    FHIR = "fhir", _("Electronic referral (FHIR)")


class Status(models.TextChoices):
    DRAFT = "draft", _("Not sent yet")
    SUBMITTED = "submitted", _("Submitted")
    NEEDS_INFO = "needs_info", _("More information asked for")
    ASSESSMENT_BOOKED = "assessment_booked", _("Assessment booked")
    WAITING_LIST = "waiting_list", _("On the waiting list")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REDIRECTED = "redirected", _("Referred elsewhere")
    DUPLICATE = "duplicate", _("Duplicate")


# Applications that still need something from the clinic: the triage queue's default.
OPEN_STATUSES = (Status.SUBMITTED, Status.NEEDS_INFO, Status.ASSESSMENT_BOOKED)
CLOSED_STATUSES = (Status.ACCEPTED, Status.DECLINED, Status.REDIRECTED, Status.DUPLICATE)
# Not in the funnel: applications never sent, and the copies merged into another.
FUNNEL_LEFT_OUT = (Status.DRAFT, Status.DUPLICATE)


class UrgentReason(models.TextChoices):
    RISK_ITEM = "risk_item", _("A risk question in screening was answered positively")
    REFERRER = "referrer", _("The referrer marked it urgent")
    STAFF = "staff", _("Marked urgent by staff")


def new_reference() -> str:
    """A short reference for receipts and letters: no meaning, no personal data."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "A-" + "".join(secrets.choice(alphabet) for _ in range(8))


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user) -> ApplicationQuerySet:
        return applications_visible_to(user, self)

    def open(self) -> ApplicationQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Application(models.Model):
    clinic = models.ForeignKey("core.Clinic", on_delete=models.PROTECT, related_name="applications")
    reference = models.CharField(max_length=16, unique=True, default=new_reference, editable=False)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        help_text=_("Empty until the person has an account."),
    )
    # Personal details, as given; copied to a Patient record when accepted.
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    national_id_country = models.CharField(
        _("country of identity number"), max_length=6, choices=COUNTRY_CHOICES, blank=True
    )
    national_id = models.CharField(_("national identity number"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("mobile phone"), max_length=30, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=5, choices=LANGUAGE_CHOICES, default="en"
    )
    consent = models.ForeignKey(
        ConsentText, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consent_accepted_at = models.DateTimeField(null=True, blank=True)
    screening_set = models.JSONField(default=list, blank=True)  # instrument codes, fixed at start
    screening_drafts = models.JSONField(default=dict, blank=True)  # code -> {item: value}
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    urgent_reason = models.CharField(
        _("why urgent"), max_length=16, choices=UrgentReason.choices, blank=True
    )
    # An urgent application's acknowledgement (issue 12; docs/safety.md): the window
    # starts when the intake team is told (``notify.tell_intake_team_about_urgent``);
    # the sweep tells the clinic managers once when it passes unacknowledged.
    urgent_acknowledge_by = models.DateTimeField(null=True, blank=True)
    urgent_acknowledged_at = models.DateTimeField(null=True, blank=True)
    urgent_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    urgent_escalated_at = models.DateTimeField(null=True, blank=True)
    possible_duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates"
    )
    patient = models.ForeignKey(
        "core.Patient", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    episode = models.ForeignKey(
        "core.Episode", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    info_request = models.TextField(_("what the clinic asks for"), blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    redirected_to = models.CharField(_("referred on to"), max_length=300, blank=True)
    # The funnel: one time stamp per step.
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    screened_at = models.DateTimeField(null=True, blank=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    assessment_booked_at = models.DateTimeField(null=True, blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-urgent", "submitted_at", "id"]
        indexes = [
            models.Index(fields=["clinic", "status", "urgent", "submitted_at"]),
            models.Index(fields=["clinic", "national_id_country", "national_id"]),
            models.Index(fields=["clinic", "date_of_birth", "last_name"]),
            # The clinic's implementation dashboard reads its counts and waits from this
            # index alone (decision 0035).
            models.Index(
                fields=["clinic", "submitted_at"],
                include=["id", "status", "source", "assessed_at", "started_at"],
                name="intake_application_dashboard",
            ),
            # The triage queue's default (decision 0065): a clinic's open applications
            # in the queue's order, one range per clinic whatever the country holds.
            models.Index(
                fields=["clinic", "-urgent", "submitted_at", "id"],
                condition=Q(status__in=OPEN_STATUSES),
                name="intake_application_queue",
            ),
            # The funnel (decision 0065): every time stamp it counts, read from the
            # index alone for the clinic's sent applications.
            models.Index(
                fields=["clinic"],
                include=["submitted_at", "screened_at", "assessed_at", "started_at", "episode"],
                condition=~Q(status__in=FUNNEL_LEFT_OUT),
                name="intake_application_funnel",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "applicant"],
                condition=Q(status="draft", applicant__isnull=False),
                name="one_draft_per_applicant_and_clinic",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def has_details(self) -> bool:
        return bool(self.first_name and self.last_name and self.date_of_birth)


class Referral(models.Model):
    """Who referred the person, and whether they may be sent letters about them."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="referral"
    )
    referrer_name = models.CharField(_("your name"), max_length=200)
    organisation = models.CharField(_("practice or organisation"), max_length=200)
    role = models.CharField(_("your role"), max_length=100)
    phone = models.CharField(_("phone"), max_length=40)
    secure_email = models.EmailField(_("secure e-mail for letters"))
    reason = models.TextField(_("reason for referral"))
    consent_to_letters = models.BooleanField(
        _("the patient agrees that the clinic writes to the referrer"), default=False
    )
    # The form's key, so that the form sent twice makes one application (decision 0067).
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Referral for {self.application_id}"
