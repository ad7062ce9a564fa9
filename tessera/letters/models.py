"""A letter is written once and kept as it was: the HTML is rendered when the letter is
created and stored; the PDF is made from that stored HTML whenever it is downloaded, so
both always say the same thing."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tessera.core.access import episode_scope, intake_clinic_ids
from tessera.core.models import Episode


class LetterQuerySet(models.QuerySet):
    def visible_to(self, user) -> LetterQuerySet:
        by_episode = Q(episode__in=Episode.objects.filter(episode_scope(user)).values("pk"))
        clinics = intake_clinic_ids(user)
        if not clinics:
            return self.filter(by_episode)
        # Intake staff see the letters about their clinics' (sent) applications.
        by_application = Q(application__clinic_id__in=clinics) & ~Q(application__status="draft")
        return self.filter(by_episode | by_application)


class Letter(models.Model):
    class Kind(models.TextChoices):
        RECEIVED = "received", _("referral received")
        ACCEPTED = "accepted", _("accepted for treatment")
        DECLINED = "declined", _("not accepted")
        STARTED = "started", _("treatment started")
        ENDED = "ended", _("treatment ended")

    clinic = models.ForeignKey("core.Clinic", on_delete=models.PROTECT, related_name="letters")
    patient = models.ForeignKey(
        "core.Patient", on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    # A letter about an application before there is a patient or an episode (received,
    # declined); its recipient then comes from the application's Referral.
    application = models.ForeignKey(
        "intake.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters",
    )
    episode = models.ForeignKey(
        "core.Episode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters",
    )
    kind = models.CharField(_("letter"), max_length=16, choices=Kind.choices)
    language = models.CharField(max_length=5)
    recipient_name = models.CharField(_("to"), max_length=200)
    recipient_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    recipient_email = models.EmailField(_("secure e-mail"), blank=True)
    # A short paragraph in the clinician's own words, shown in the letter (escaped) and
    # kept here as written; never sent in any e-mail or SMS notice (issue 20 item 10).
    note = models.CharField(_("a few words of your own"), max_length=1000, blank=True)
    html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # A referral's receipt is also sent to the referrer's secure e-mail, once: a notice
    # with the reference only (``actions.do_send_referral_receipt``).
    sent_at = models.DateTimeField(_("receipt sent"), null=True, blank=True)
    sent_to = models.EmailField(_("receipt sent to"), blank=True)
    # The form's key, so that the form sent twice makes one letter (decision 0067).
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(kind="received"),
                name="one_receipt_per_application",
            )
        ]

    def __str__(self) -> str:
        return f"letter {self.pk} ({self.kind})"
