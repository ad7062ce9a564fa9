"""The demo seed: a question with a reply, and a followed case with a note; twice is once."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tessera.consultation import demo
from tessera.consultation.models import (
    ConsultationComment,
    ConsultationRequest,
    SupervisedCase,
    SupervisionNote,
)
from tessera.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_seed_is_safe_to_run_twice(world):
    ctx = SimpleNamespace(
        staff={
            "therapist": world["therapist"],
            "therapist2": world["colleague"],
            "supervisor": world["supervisor"],
        },
        patients={"patient": world.patient},
    )
    demo.seed(ctx)
    events = AuditEvent.objects.count()
    demo.seed(ctx)
    assert AuditEvent.objects.count() == events
    request = ConsultationRequest.objects.get()
    assert request.asker == world["therapist"] and request.colleague == world["colleague"]
    assert ConsultationComment.objects.get().author == world["colleague"]
    assert SupervisedCase.objects.get().supervisor == world["supervisor"]
    assert SupervisionNote.objects.count() == 1
