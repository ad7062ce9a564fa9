"""An automated message at a point of the episode, sent once per point."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from tessera.messaging.actions import do_send_automated_message

from .. import texts
from ..models import AutomatedSend

# Message keys are derived from (episode, point): a retry can never write a second one.
KEY_NAMESPACE = uuid.UUID("6c1f8a4e-2d0b-4f57-9a43-7f1e0c9d5b21")


def message_key(episode_id: int, point: str) -> uuid.UUID:
    return uuid.uuid5(KEY_NAMESPACE, f"{episode_id}:{point}")


def do_send_point(episode, point: str, *, now: dt.datetime | None = None):
    """Send the automated message for ``point`` once; returns the row, or None when it
    was already sent (the unique (episode, point) decides, in this transaction)."""
    try:
        with transaction.atomic():
            row = AutomatedSend.objects.create(
                episode=episode, point=point, sent_at=now or timezone.now()
            )
            message = do_send_automated_message(
                episode,
                body=texts.body_for(point, episode.patient.user),
                submission_key=message_key(episode.pk, point),
            )
            row.message = message
            row.save(update_fields=["message"])
    except IntegrityError:
        return None
    return row
