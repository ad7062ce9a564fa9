"""A clinic's choice of what its episodes' FHIR records carry beyond the defaults."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tessera.core import access, audit

from ..models import RecordSharing


def do_set_record_sharing(clinic, *, message_content: bool, acting_user) -> RecordSharing:
    """Whether the text of messages goes into the clinic's FHIR records (downloads, the
    read API and bulk exports) from now on. Off unless a clinic manager turns it on."""
    with transaction.atomic():
        sharing, _created = RecordSharing.objects.select_for_update(no_key=True).get_or_create(
            clinic=clinic
        )
        before = sharing.message_content
        if before != bool(message_content):
            sharing.message_content = bool(message_content)
            sharing.changed_at = timezone.now()
            sharing.save(update_fields=["message_content", "changed_at"])
            audit.record(
                "fhir.record_sharing_changed",
                actor=acting_user,
                clinic=clinic,
                obj=sharing,
                actor_role=access.actor_role_label(acting_user, clinic.pk),
                changes={"message_content": [before, sharing.message_content]},
            )
    clinic.record_sharing = sharing
    return sharing
