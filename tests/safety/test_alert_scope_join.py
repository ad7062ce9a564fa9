"""The alert list tests the access scope on the alert's own episode (one join), not on a
second copy of the episodes in ``episode__in=(subquery)`` (issue 16): the same alerts."""

import datetime as dt
import re

import pytest
from django.db.models import Q
from django.utils import timezone

from tessera.core import access
from tessera.core.access.patients import episode_scope
from tessera.core.models import Episode
from tessera.safety.models import RiskAlert
from tests.core.test_scale import _plan, postgres_only

KINDS = ["therapist", "colleague", "manager", "intake", "other_therapist", "patient", "author"]


@pytest.fixture
def alerts(world):
    soon = timezone.now() + dt.timedelta(hours=4)
    for episode in Episode.objects.all():
        for resolved in (None, timezone.now()):
            RiskAlert.objects.create(
                episode=episode,
                source="concern",
                severity="high",
                acknowledge_by=soon,
                resolved_at=resolved,
                action="phoned" if resolved else "",
            )
    return RiskAlert.objects.all()


@pytest.mark.parametrize("kind", KINDS)
def test_the_alerts_through_the_join_are_the_alerts_of_the_scope(world, alerts, kind):
    user = world[kind]
    before = RiskAlert.objects.filter(
        episode__in=Episode.objects.filter(episode_scope(user)).values("pk")
    )
    got = RiskAlert.objects.visible_to(user)
    assert set(got.values_list("pk", flat=True)) == set(before.values_list("pk", flat=True))
    unresolved = got.unresolved().select_related("episode__patient", "episode__therapist")
    assert {a.pk for a in unresolved} == set(before.unresolved().values_list("pk", flat=True))


def test_a_scope_part_that_cannot_be_prefixed_is_refused():
    from django.db.models import Exists

    with pytest.raises(TypeError):
        access.through(Q(Exists(Episode.objects.all())), "episode")
    q = access.through(Q(clinic_id__in=[1]) | ~Q(therapist=None), "episode")
    assert str(q) == str(Q(episode__clinic_id__in=[1]) | ~Q(episode__therapist=None))


@postgres_only
@pytest.mark.parametrize("kind", ["therapist", "manager"])
def test_the_alert_list_joins_the_episodes_once(world, alerts, kind):
    queryset = (
        RiskAlert.objects.visible_to(world[kind])
        .unresolved()
        .select_related("episode__patient", "episode__clinic", "episode__therapist")
        .order_by("acknowledge_by", "id")[:25]
    )
    plan = _plan(queryset)
    # the table, not an index named after it ("Bitmap Index Scan on treatment_episode_…")
    assert len(re.findall(r" on treatment_episode\b", plan)) == 1, plan
    assert "SubPlan" not in plan, plan
