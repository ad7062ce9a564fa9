"""Letters to the recipient's record: when a letter is written and its recipient's
organisation has a registered ``RecordEndpoint``, the letter goes there as a
DocumentReference with its PDF, from the task worker.

Never twice: one ``LetterDelivery`` per letter (a unique row), and the POST is a FHIR
conditional create (``If-None-Exist: identifier=<system>|<letter id>``), so a worker
that dies after the server stored the letter but before Tessera recorded it sends it
again under the same identifier and the server keeps the one it has. A failure is
retried with backoff (1, 2, 4, 8 minutes); after ``MAX_ATTEMPTS`` the letter is left to
print (state ``failed``), which the letter's page says. Whatever fails on the way (the
PDF, the server's address, the network, an answer that is not HTTP) is such a failed
attempt: it is counted and logged, and never stops the sweep that sends the others
(decision 0141).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.request

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tessera.core import audit
from tessera.letters.render import to_pdf

from .models import LetterDelivery, RecordEndpoint
from .record import resources as r
from .record.document import validate

logger = logging.getLogger("tessera.fhir")

MAX_ATTEMPTS = 5
TIMEOUT_SECONDS = 20


def fhir_base() -> str:
    return settings.TESSERA_FHIR_BASE_URL or settings.TESSERA_SITE_URL.rstrip("/") + "/fhir"


def endpoint_for(letter) -> RecordEndpoint | None:
    organisation = (letter.recipient_organisation or "").strip()
    if not organisation:
        return None
    return RecordEndpoint.objects.filter(
        clinic_id=letter.clinic_id, organisation__iexact=organisation, active=True
    ).first()


def plan_delivery(letter) -> LetterDelivery | None:
    """The letter's delivery, made once, sent after the letter's transaction commits."""
    endpoint = endpoint_for(letter)
    if endpoint is None:
        return None
    delivery, created = LetterDelivery.objects.get_or_create(
        letter=letter, defaults={"endpoint": endpoint}
    )
    if created:
        transaction.on_commit(lambda: _enqueue(delivery.pk), robust=True)
    return delivery


def _enqueue(delivery_id: int) -> None:
    from .tasks import deliver_letter

    deliver_letter.enqueue(delivery_id)


def _post(endpoint: RecordEndpoint, resource: dict, identifier: dict) -> str:
    body = json.dumps(resource).encode()
    headers = {
        "Content-Type": "application/fhir+json",
        "Accept": "application/fhir+json",
        "If-None-Exist": f"identifier={identifier['system']}|{identifier['value']}",
    }
    if endpoint.token:
        headers["Authorization"] = f"Bearer {endpoint.token}"
    url = endpoint.base_url.rstrip("/") + "/DocumentReference"
    if not url.startswith(("https://", "http://")):
        raise ValueError("a record endpoint is an http(s) address")
    request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 (checked)
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        location = response.headers.get("Location", "")
        return location[:200]


def deliver(delivery_id: int, *, now: dt.datetime | None = None) -> str:
    """Send one delivery if it is due; returns its state."""
    now = now or timezone.now()
    delivery = (
        LetterDelivery.objects.select_related("letter__clinic", "endpoint")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.state != LetterDelivery.State.PENDING:
        return delivery.state if delivery else "missing"
    if delivery.next_attempt_at > now:
        return delivery.state
    letter = delivery.letter
    base = fhir_base()
    try:
        resource = validate(r.document_reference(letter, base, to_pdf(letter)))
        remote_id = _post(delivery.endpoint, resource, r.letter_identifier(letter, base))
    except Exception as exc:  # the PDF, the address, the network, the answer: one attempt
        attempts = delivery.attempts + 1
        failed = attempts >= MAX_ATTEMPTS
        logger.warning(
            "fhir.letter_delivery_failed id=%s attempt=%s error=%s",
            delivery.pk,
            attempts,
            type(exc).__name__,
        )
        LetterDelivery.objects.filter(pk=delivery.pk, state=LetterDelivery.State.PENDING).update(
            attempts=attempts,
            state=LetterDelivery.State.FAILED if failed else LetterDelivery.State.PENDING,
            next_attempt_at=now + dt.timedelta(minutes=2 ** (attempts - 1)),
            last_error=f"{type(exc).__name__}: {getattr(exc, 'code', '') or ''}"[:200],
        )
        return LetterDelivery.State.FAILED if failed else LetterDelivery.State.PENDING
    with transaction.atomic():
        updated = LetterDelivery.objects.filter(
            pk=delivery.pk, state=LetterDelivery.State.PENDING
        ).update(
            state=LetterDelivery.State.SENT,
            attempts=delivery.attempts + 1,
            sent_at=timezone.now(),
            remote_id=remote_id,
            last_error="",
        )
        if updated and letter.patient_id:
            audit.record(
                "fhir.letter_delivered",
                patient=letter.patient,
                clinic=letter.clinic,
                obj=letter,
                actor_role="system",
                changes={"to": delivery.endpoint.organisation, "remote": remote_id},
            )
    return LetterDelivery.State.SENT


def due_deliveries(now: dt.datetime | None = None):
    return LetterDelivery.objects.filter(
        state=LetterDelivery.State.PENDING, next_attempt_at__lte=now or timezone.now()
    ).values_list("pk", flat=True)
