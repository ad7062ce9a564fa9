"""Sessions with a therapist (face-to-face, video, phone) booked within an episode.

A session that took place (attended) is a treatment contact for the outcome rules, as
is a completed online module (see tessera/appointments/contacts.py). Session notes are for
the care team only.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tessera.core.access import episode_scope, still_works_as_therapist
from tessera.core.models import Episode


class AppointmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> AppointmentQuerySet:
        return self.filter(episode__in=Episode.objects.filter(episode_scope(user)).values("pk"))

    def attended(self) -> AppointmentQuerySet:
        return self.filter(status=Appointment.Status.ATTENDED)

    def upcoming(self, now=None) -> AppointmentQuerySet:
        return self.filter(status=Appointment.Status.BOOKED, starts_at__gte=now or timezone.now())

    def with_therapist_left(self) -> AppointmentQuerySet:
        """Each session carries ``therapist_left``: the therapist it is booked with no
        longer works as a therapist at the episode's clinic (decision 0096). A booked
        session of theirs will not take place as booked: the patient is told it is to be
        rebooked, no calendar file or reminder promises it, and the managers see it."""
        return self.annotate(
            therapist_left=~still_works_as_therapist("therapist", "episode__clinic")
        )

    def needing_new_clinician(self, now=None) -> AppointmentQuerySet:
        """The coming booked sessions whose therapist has left: to be rebooked with a
        therapist who works there (or cancelled), by the clinic (decision 0096)."""
        return self.upcoming(now).exclude(still_works_as_therapist("therapist", "episode__clinic"))


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class Appointment(models.Model):
    class Kind(models.TextChoices):
        FACE_TO_FACE = "face_to_face", _("face to face")
        VIDEO = "video", _("video")
        PHONE = "phone", _("phone")

    class Status(models.TextChoices):
        BOOKED = "booked", _("booked")
        ATTENDED = "attended", _("attended")
        DID_NOT_ATTEND = "did_not_attend", _("did not attend")
        CANCELLED = "cancelled", _("cancelled")

    episode = models.ForeignKey(
        "core.Episode", on_delete=models.CASCADE, related_name="appointments"
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=pgettext_lazy("a session with", "with"),
    )
    kind = models.CharField(_("kind of session"), max_length=16, choices=Kind.choices)
    starts_at = models.DateTimeField(_("starts"))
    minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=45)
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.BOOKED
    )
    note = models.TextField(_("session note"), blank=True)
    cancel_reason = models.CharField(_("why it was cancelled"), max_length=300, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    booked_at = models.DateTimeField(default=timezone.now)
    # The booking form's key: the form sent twice books one session (decision 0070).
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["episode", "status", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def record_version(self) -> str:
        """The record as a form drew it: when it was last recorded ("" never), in
        microseconds, for the "Record the session" form to send back (decision 0149)."""
        if self.recorded_at is None:
            return ""
        return str((self.recorded_at - EPOCH) // dt.timedelta(microseconds=1))


class CareModelChange(models.Model):
    """A move between guided online care, face-to-face care and blended care within one
    episode: who, when and why. The episode's current model is Episode.care_model."""

    episode = models.ForeignKey(
        "core.Episode", on_delete=models.CASCADE, related_name="care_model_changes"
    )
    from_model = models.CharField(max_length=16)
    to_model = models.CharField(max_length=16)
    reason = models.CharField(_("why"), max_length=500)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]


class ChangeRequestQuerySet(models.QuerySet):
    def open(self) -> ChangeRequestQuerySet:
        return self.filter(handled_at__isnull=True)


class ChangeRequest(models.Model):
    """A patient asks to move or cancel a booked session (issue 14); the therapist sees
    it on the session and makes the change (or not). One open request per session:
    asking again changes it."""

    class Kind(models.TextChoices):
        MOVE = "move", _("move it to another time")
        CANCEL = "cancel", _("cancel it")

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="change_requests"
    )
    kind = models.CharField(_("what you would like"), max_length=8, choices=Kind.choices)
    note = models.TextField(_("times that suit you, or why"), blank=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-asked_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment"],
                condition=models.Q(handled_at__isnull=True),
                name="one_open_change_request_per_session",
            )
        ]
