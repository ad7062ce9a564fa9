"""The send log and each person's choices about being told.

A ``Notification`` is one intended message on one channel (e-mail or SMS) to one user,
saying only that there is something new to read. Its ``key`` (with the channel) makes
it unique: asking twice for the same thing writes nothing new, and delivery sends it
once, unless a worker dies between the server accepting it and the row being saved: then
it is sent again with the same Message-ID (delivery.py says why that is the honest
limit). Nothing clinical is stored here: the kind, the link and the state only.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .texts import FALLBACK, KINDS

# A row "sending" for longer than this was left by a worker that stopped (killed, or the
# machine went down) between claiming it and recording the answer: it is due again. Far
# longer than any mail or SMS call takes (their time-outs are seconds).
SENDING_TIMEOUT = dt.timedelta(minutes=10)

# Risk alerts and urgent applications (delivery.py says how they are sent). A failed one
# is also shown to the clinic's staff on call (failed_for_clinics).
URGENT_KINDS = frozenset(
    {"risk_alert", "risk_alert_escalated", "urgent_application", "urgent_application_escalated"}
)


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("text message")


class NotificationQuerySet(models.QuerySet):
    def due(self, now: dt.datetime | None = None) -> NotificationQuerySet:
        """Intended and no longer held back by quiet hours, or left "sending" by a worker
        that stopped mid-send (claimed longer ago than SENDING_TIMEOUT)."""
        now = now or timezone.now()
        intended = models.Q(state=Notification.State.INTENDED) & (
            models.Q(send_after__isnull=True) | models.Q(send_after__lte=now)
        )
        stale = models.Q(state=Notification.State.SENDING, claimed_at__lte=now - SENDING_TIMEOUT)
        return self.filter(intended | stale)

    def failed_for_clinics(
        self, clinic_ids, *, region_ids=(), urgent_clinic_ids=()
    ) -> NotificationQuerySet:
        """Given-up deliveries that someone with these clinics (and regions) answers for,
        newest first: to the staff or the patients of ``clinic_ids``, or sent for one of
        them (``clinic``); to a person administering one of ``region_ids``; and the urgent
        ones (risk alerts, urgent applications) sent for one of ``urgent_clinic_ids``."""
        ids = self.filter(state=Notification.State.FAILED).filter(
            _concerning(clinic_ids, region_ids)
            | (models.Q(kind__in=URGENT_KINDS) & models.Q(clinic_id__in=urgent_clinic_ids))
        )
        return self.filter(pk__in=ids.values("pk")).order_by("-failed_at", "-pk")

    def unowned(self) -> NotificationQuerySet:
        """Rows no clinic or region answers for: sent for no clinic, to an address with no
        account or to a person with no role, episode or region role (an address typed into
        "Forgot your password?"). Their failures are the service operators' to see
        (``manage.py failed_notifications``)."""
        return self.filter(
            clinic__isnull=True,
            recipient__clinic_roles__isnull=True,
            recipient__patient__episodes__isnull=True,
            recipient__region_roles__isnull=True,
        ).distinct()


def _concerning(clinic_ids, region_ids) -> models.Q:
    return (
        models.Q(recipient__clinic_roles__clinic_id__in=clinic_ids)
        | models.Q(recipient__patient__episodes__clinic_id__in=clinic_ids)
        | models.Q(clinic_id__in=clinic_ids)
        | models.Q(recipient__region_roles__region_id__in=region_ids)
    )


class Notification(models.Model):
    class State(models.TextChoices):
        INTENDED = "intended", _("to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        # Not sent: by the time it was due (after quiet hours or a retry) its recipient's
        # login was closed, or what it was about had ended (delivery.still_wanted).
        WITHDRAWN = "withdrawn", _("no longer needed")

    # A person with an account, or (e-mail only) an address with no account behind it
    # yet: someone a referrer named, invited to complete their application. ``clinic``
    # then says whose managers see the row if it fails.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
    )
    address = models.EmailField(max_length=320, blank=True)
    clinic = models.ForeignKey(
        "core.Clinic", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    kind = models.CharField(max_length=40)
    key = models.CharField(_("idempotency key"), max_length=200)
    link = models.CharField(max_length=500)
    state = models.CharField(max_length=10, choices=State.choices, default=State.INTENDED)
    created_at = models.DateTimeField(default=timezone.now)
    send_after = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    error_code = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Set, and committed, before the mail or SMS server is called (delivery.py): a row
    # still "sending" after a restart may have been accepted; it is sent again with the
    # same Message-ID, so the copy is recognisably the same message.
    message_id = models.CharField(max_length=200, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # What a composed kind (texts.COMPOSERS) needs to write its text at send time: ids,
    # a role code, a number of minutes, the site's address; never anything clinical and
    # never a token (a link with a token is made when the message is sent).
    params = models.JSONField(default=dict, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "channel"], name="one_notification_per_key"),
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False) | ~models.Q(address=""),
                name="notification_has_a_recipient_or_address",
            ),
        ]
        indexes = [models.Index(fields=["state", "send_after"])]

    def __str__(self) -> str:
        to = f"user {self.recipient_id}" if self.recipient_id else "an address"
        return f"{self.kind} by {self.channel} to {to} ({self.state})"

    @property
    def to_address(self) -> str:
        return self.address or (self.recipient.email if self.recipient_id else "")

    @property
    def about(self) -> str:
        """What the notification told, in the words of its subject line."""
        return str(KINDS.get(self.kind, FALLBACK).subject)


class Preference(models.Model):
    """How a person wants to be told. Without a row: e-mail on, SMS off, no quiet hours."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(_("by e-mail"), default=True)
    sms = models.BooleanField(
        _("by text message"),
        default=False,
        help_text=_("Sent to the mobile phone number in your details."),
    )
    quiet_from = models.TimeField(
        _("quiet hours from"),
        null=True,
        blank=True,
        help_text=_("No e-mail or text message is sent between these times."),
    )
    quiet_until = models.TimeField(_("quiet hours until"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_("Empty: your clinic's time zone."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"notification preferences of user {self.user_id}"
