"""The team's inbox marks a row whose therapist has left (decision 0096): the team sees,
in words, that nobody holds the item, in both the row view and the one-row-per-patient
view."""

from __future__ import annotations

import uuid

import pytest

from tessera.core.models import ClinicRole
from tessera.core.roles import Role
from tessera.messaging import actions

MARK = "Has left: needs a new therapist"


@pytest.mark.parametrize("grouped", ["", "&group=patient"])
def test_the_team_inbox_marks_a_therapist_who_left(world, client, login, grouped):
    actions.do_send_message(
        world.episode, acting_user=world.patient.user, body="Hello?", submission_key=uuid.uuid4()
    )
    login(world["manager"])
    url = "/inbox/?therapist=all" + grouped
    page = client.get(url).content.decode()
    assert "Pia Larsson" in page and MARK not in page
    ClinicRole.objects.filter(user=world["therapist"], role=Role.THERAPIST).delete()

    page = client.get(url).content.decode()
    row = page.split(f'id="patient-{world.episode.pk}"' if grouped else "Pia Larsson", 1)[1]
    row = row.split("</tr>", 1)[0]
    assert str(world["therapist"]) in row and MARK in row


# The old reading of who has left (``needing_new_therapist`` on the rows' ids): the
# episodes read again, one descent of their key each, and every clinic's therapist roles
# hashed (a team inbox of 50 rows: 24 pages at 1,000 patients, 140 at 100,000; issue 16).
EPISODES_READ_AGAIN = '"treatment_episode"."therapist_id" IS NOT NULL'
# The team list's own reads, which work out who has left in the database (decision
# 0153): its ordered page and its flags' counts.
LIST_READS = (
    'LOWER("treatment_episode"."patient_first_name") ASC',
    'FILTER (WHERE "open_alerts" > 0)',
)


def _left_check(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if 'FROM "core_clinicrole"' in q["sql"]]


@pytest.mark.parametrize("url", ["/inbox/?therapist=all", "/caseload/?therapist=all"])
def test_who_left_is_read_from_the_clinics_roles_not_the_episodes_again(world, client, login, url):
    """The team inbox and the caseload mark a therapist who left from the episodes the
    page has read and one read of their clinics' active therapists (``access.left_among``):
    no second read of the episodes, the roles by their clinics (on PostgreSQL by the
    clinics' index, not every clinic's roles hashed)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    actions.do_send_message(
        world.episode, acting_user=world.patient.user, body="Hello?", submission_key=uuid.uuid4()
    )
    ClinicRole.objects.filter(user=world["therapist"], role=Role.THERAPIST).delete()
    login(world["manager"])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    # The team's list orders and counts its episodes by who has left in the database
    # (decision 0153); none is read again.
    assert not [
        q["sql"]
        for q in captured.captured_queries
        if EPISODES_READ_AGAIN in q["sql"] and not any(read in q["sql"] for read in LIST_READS)
    ]
    (roles,) = [
        q
        for q in _left_check(captured)
        if q.startswith(
            'SELECT "core_clinicrole"."clinic_id" AS "clinic_id", "core_clinicrole"."user_id"'
        )
    ]
    assert '"core_clinicrole"."clinic_id" IN (' in roles and "treatment_episode" not in roles
    assert str(world["therapist"]) in page and "needs a new therapist" in page.lower()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: as at scale
            cursor.execute("EXPLAIN " + roles)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "core_clinicrole_clinic_id" in plan, plan


def test_left_among_agrees_with_needing_new_therapist(world):
    """The rows already read give the same episodes as the query on them: a therapist
    whose role went, whose account was closed, a role at another clinic only; an ended
    episode and one without a therapist are never marked."""
    from tessera.core import access
    from tessera.core.models import Episode, User

    episodes = Episode.objects.filter(clinic__in=[world.clinic, world.other_clinic])

    def both():
        rows = list(episodes.all())  # read afresh each time
        query = set(access.needing_new_therapist(episodes.all()).values_list("pk", flat=True))
        return access.left_among(rows), query

    found, expected = both()
    assert found == expected == set()
    ClinicRole.objects.filter(user=world["therapist"], role=Role.THERAPIST).delete()
    found, expected = both()
    assert world.episode.pk in found and found == expected
    User.objects.filter(pk=world["other_therapist"].pk).update(is_active=False)
    ClinicRole.objects.filter(user=world["other_therapist"]).update(user_is_active=False)
    found, expected = both()
    assert len(found) >= 2 and found == expected
    Episode.objects.filter(pk=world.episode.pk).update(status=Episode.Status.ENDED)
    Episode.objects.filter(therapist=world["other_therapist"]).update(therapist=None)
    found, expected = both()
    assert world.episode.pk not in found and found == expected
