"""The staff home reads the episodes the user is the therapist of once (issue 16): the
caseload table, the overdue list and the therapist's inbox counts are the same as when
each read them itself, in a pinned number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tessera.core.models import User
from tessera.inbox import scope, worklist
from tessera.portal import staff_lists
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

# Queries of the whole request (session, user, roles and the page), pinned: the
# therapist's home read its episodes four times before (the paginator's count, its
# page, the overdue list's episodes, the inbox counts' caseload), now once. A team's
# home no longer reads the team's therapists (nobody is chosen from them there). The
# therapist's plan entries are not read when none of their patients' programmes opens
# modules by hand (the unlock rule comes with the episodes): 17 → 16. A manager triages
# too (an intake role): their home counts the intake queue's open and urgent
# applications and those with an unread message (decision 0157): 17 → 19. A clinician's
# home counts their consultations (one query), a supervisor's also the cases they
# follow (one more; decision 0162): therapist 16 → 17, manager 19 → 20, supervisor
# 17 → 19.
QUERIES = {"therapist": 17, "manager": 20, "supervisor": 19}


@pytest.mark.parametrize("who", sorted(QUERIES))
def test_the_staff_home_shows_what_each_list_read_alone_and_reads_once(seeded_demo, who):
    user = User.objects.get(email=f"{who}@demo.tessera.test")
    client = Client()
    sign_in(client, user)
    client.get(reverse("home"))  # the session's first touch
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    context = response.context
    fresh = User.objects.get(pk=user.pk)
    # The caseload table: the same episodes, in the same order, with the same names.
    alone = staff_lists.with_patients(staff_lists.caseload(fresh)[:25])
    shown = list(context["page"].object_list)
    assert [(e.pk, e.patient.first_name, e.patient.last_name) for e in shown] == [
        (e.pk, e.patient.first_name, e.patient.last_name) for e in alone
    ]
    assert context["page"].paginator.count == staff_lists.caseload(fresh).count()
    # The overdue list.
    assert [(d.pk, d.episode.pk) for d in context["overdue"]] == [
        (d.pk, d.episode.pk) for d in staff_lists.overdue(fresh)
    ]
    # The inbox counts: the inbox's own.
    choice = scope.choose(fresh, None, scope.team_therapists(fresh))
    if context["inbox"] is not None:
        assert context["inbox"].counts == worklist.build(scope.caseload(fresh, choice)).counts
    if who == "therapist":
        assert shown and context["overdue"] and context["inbox"].total > 0
    # A read of the episodes themselves selects the episode's own columns first.
    reads = [q["sql"] for q in queries if q["sql"].startswith('SELECT "treatment_episode"."id"')]
    if who == "therapist":
        assert len(reads) == 1, [sql[:200] for sql in reads]
    assert len(queries) == QUERIES[who], [q["sql"][:120] for q in queries]
