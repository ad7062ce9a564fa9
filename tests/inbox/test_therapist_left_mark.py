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
