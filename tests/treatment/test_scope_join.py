"""Due questionnaires, responses and diary entries test the access scope on their own
episode (one join, ``access.through``), not on a second copy of the episodes in
``episode__in=(subquery)`` (issue 16): the same rows for everyone."""

import re

import pytest

from tessera.core.access.patients import episode_scope
from tessera.core.models import Episode
from tessera.treatment.models import DueMeasure, Response
from tessera.treatment.models.diary import DiaryEntry
from tests.core.test_scale import _plan, postgres_only

KINDS = ["therapist", "colleague", "manager", "intake", "other_therapist", "patient", "author"]


def _old(model, user, path="episode"):
    scope = Episode.objects.filter(episode_scope(user)).values("pk")
    return set(model.objects.filter(**{f"{path}__in": scope}).values_list("pk", flat=True))


@pytest.mark.parametrize("kind", KINDS)
def test_the_same_rows_as_through_a_subquery(world, kind):
    user = world[kind]
    assert DueMeasure.objects.exists() and Response.objects.exists()
    for model in (DueMeasure, Response):
        got = set(model.objects.visible_to(user).values_list("pk", flat=True))
        assert got == _old(model, user)
    got = set(DiaryEntry.objects.visible_to(user).values_list("pk", flat=True))
    assert got == _old(DiaryEntry, user, "entry__episode")
    mine = DueMeasure.objects.visible_to(user).filter(episode__therapist=user)
    assert set(mine.values_list("pk", flat=True)) == {
        d.pk
        for d in DueMeasure.objects.filter(pk__in=_old(DueMeasure, user))
        if d.episode.therapist_id == user.pk
    }


@postgres_only
@pytest.mark.parametrize("kind", ["patient", "therapist"])
def test_the_questionnaires_join_the_episodes_once(world, kind):
    user = world[kind]
    mine = {"patient": {"episode__patient__user": user}, "therapist": {"episode__therapist": user}}
    for queryset in (
        DueMeasure.objects.visible_to(user).filter(**mine[kind]).pending(),
        Response.objects.visible_to(user).filter(**mine[kind]).order_by("-submitted_at")[:20],
    ):
        plan = _plan(queryset.select_related("episode__clinic"))
        # the table, not an index named after it ("Bitmap Index Scan on treatment_episode_…")
        assert len(re.findall(r" on treatment_episode\b", plan)) == 1, plan
