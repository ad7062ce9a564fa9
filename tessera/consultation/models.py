"""Consultation requests (a time-limited grant to see one episode), their private comment
threads, and supervision (cases a supervisor follows, and supervision notes).

Who sees what, in words (decided in ``tessera.core.access.consultation``; the grant itself is
``grants.consultation_scope``, listed in ``tessera.core.access.EXTRA_EPISODE_SCOPES``):

- A request and its comments are seen only by its two sides: the asker, and the colleague
  it was addressed to, or, for a request to "the supervisor", every supervisor of the
  episode's clinic. Nobody else, not the patient's other staff, not clinic managers.
- Supervision notes are seen by the supervisors of the episode's clinic and by the
  episode's responsible therapist.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tessera.core import access
from tessera.core.id_lists import among_ids
from tessera.core.models import Episode, User

DEFAULT_HOURS = 72
MAX_HOURS = 14 * 24


class ConsultationRequestQuerySet(models.QuerySet):
    def live(self, now: dt.datetime | None = None) -> ConsultationRequestQuerySet:
        """Open and not expired: the grant holds."""
        return self.filter(ended_at__isnull=True, expires_at__gt=now or timezone.now())

    def visible_to(self, user) -> ConsultationRequestQuerySet:
        """Requests the user takes part in: asked by them, or asked of them."""
        if not access.may_see_patient_data(user) or not user.is_staff_member:
            return self.none()
        return self.filter(self.asked_by_q(user) | self.asked_of_q(user))

    def asked_by(self, user) -> ConsultationRequestQuerySet:
        if not access.may_see_patient_data(user) or not user.is_staff_member:
            return self.none()
        return self.filter(self.asked_by_q(user))

    def asked_of(self, user) -> ConsultationRequestQuerySet:
        if not access.may_see_patient_data(user) or not user.is_staff_member:
            return self.none()
        return self.filter(self.asked_of_q(user))

    def home_counts(self, user, now: dt.datetime | None = None) -> dict:
        """What the staff home tells of the user's consultations, in one query: the open
        requests asked of them that nobody but the asker has answered yet
        (``unanswered``), and the open requests of theirs with a comment from someone
        else that they have not read since (``answered``, as "My questions" marks new
        comments: after ``asker_seen_at``, or any while they never opened it)."""
        answers = ConsultationComment.objects.filter(request=models.OuterRef("pk")).exclude(
            author=models.OuterRef("asker")
        )
        others = ConsultationComment.objects.filter(request=models.OuterRef("pk")).exclude(
            author=user
        )
        unread = Q(asker_seen_at__isnull=True) & Q(models.Exists(others)) | Q(
            models.Exists(others.filter(created_at__gt=models.OuterRef("asker_seen_at")))
        )
        return (
            self.visible_to(user)
            .live(now)
            .aggregate(
                unanswered=models.Count(
                    "pk", filter=self.asked_of_q(user) & ~Q(models.Exists(answers))
                ),
                answered=models.Count("pk", filter=self.asked_by_q(user) & unread),
            )
        )

    @staticmethod
    def asked_by_q(user) -> Q:
        return access.requests_asked_by_q(user)

    @staticmethod
    def asked_of_q(user) -> Q:
        return access.requests_asked_of_q(user)


class ConsultationRequest(models.Model):
    """One question about one episode, to a named colleague or to the clinic's supervisors.

    While it is live (not ended, ``expires_at`` in the future) the named colleague may see
    that episode. ``status`` is computed from the times, never stored, so the grant ends
    by itself without a job.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ENDED = "ended", _("ended")
        EXPIRED = "expired", _("expired")

    episode = models.ForeignKey(
        "core.Episode", on_delete=models.PROTECT, related_name="consultations"
    )
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultations_asked"
    )
    colleague = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations_received",
        verbose_name=_("colleague"),
    )
    to_supervisors = models.BooleanField(_("to the clinic's supervisors"), default=False)
    question = models.TextField(_("question"))
    draft = models.TextField(_("draft to review"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # When each side last read the thread ("new comments" in the lists).
    asker_seen_at = models.DateTimeField(null=True, blank=True)
    answer_seen_at = models.DateTimeField(null=True, blank=True)
    submission_key = models.UUIDField(unique=True)

    objects = ConsultationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["colleague", "expires_at"]),
            models.Index(fields=["asker", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(colleague__isnull=False) & Q(to_supervisors=False))
                | (Q(colleague__isnull=True) & Q(to_supervisors=True)),
                name="consultation_one_addressee",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="consultation_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"Consultation {self.pk}"

    def status_at(self, now: dt.datetime) -> str:
        if self.ended_at is not None:
            return self.Status.ENDED
        if self.expires_at <= now:
            return self.Status.EXPIRED
        return self.Status.OPEN

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.OPEN

    def is_asker(self, user) -> bool:
        return self.asker_id == user.pk


class ConsultationComment(models.Model):
    """One comment in a request's private thread."""

    request = models.ForeignKey(
        ConsultationRequest, on_delete=models.PROTECT, related_name="comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)
    submission_key = models.UUIDField(unique=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment {self.pk} on consultation {self.request_id}"


class SupervisionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Notes about episodes whose supervision the user takes part in."""
        episodes = Episode.objects.filter(access.supervision_episode_q(user)).values("pk")
        return self.filter(episode__in=episodes)


class SupervisedCaseQuerySet(models.QuerySet):
    def followed_by(self, supervisor, clinic_ids) -> SupervisedCaseQuerySet:
        """The cases ``supervisor`` follows at these clinics (the clinics they supervise):
        the supervision list's rows, without what it shows of each."""
        return self.filter(among_ids("episode__clinic_id", clinic_ids), supervisor=supervisor)

    def listed_for(self, supervisor, clinic_ids) -> SupervisedCaseQuerySet:
        """The cases ``supervisor`` follows at these clinics, for the supervision list:
        by the patient's name (the episode's copy, core 0017), each with its episode,
        its therapist (read once for the page, only what the list shows) and its last
        note. Led by the supervisor's own follows, each episode by its key, the clinics
        only filtering it (``among_ids``): as an index condition the planner read the
        clinics' whole range of episodes for the count. No join on the patients or the
        clinics, which were one descent of a key that grows with the country per case
        (the clinics table read whole; issue 16)."""
        last = SupervisionNote.objects.filter(episode=models.OuterRef("episode")).order_by(
            "-created_at", "-id"
        )
        return (
            self.followed_by(supervisor, clinic_ids)
            .select_related("episode")
            .prefetch_related(
                models.Prefetch(
                    "episode__therapist",
                    queryset=User.objects.only("id", "first_name", "last_name", "email"),
                )
            )
            .annotate(
                last_note_at=models.Subquery(last.values("created_at")[:1]),
                last_note=models.Subquery(last.values("text")[:1]),
            )
            .order_by("episode__patient_last_name", "episode__patient_first_name", "id")
        )


class SupervisedCase(models.Model):
    """An episode a supervisor has chosen to follow in regular supervision."""

    episode = models.ForeignKey(
        "core.Episode", on_delete=models.CASCADE, related_name="supervised_by"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supervised_cases"
    )
    followed_at = models.DateTimeField(default=timezone.now)

    objects = SupervisedCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-followed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "supervisor"], name="follow_once")
        ]

    def __str__(self) -> str:
        return f"Case {self.episode_id} followed by {self.supervisor_id}"


class SupervisionNote(models.Model):
    episode = models.ForeignKey(
        "core.Episode", on_delete=models.PROTECT, related_name="supervision_notes"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)
    submission_key = models.UUIDField(unique=True)

    objects = SupervisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["episode", "-created_at"])]

    def __str__(self) -> str:
        return f"Supervision note {self.pk}"
