"""Next to the crisis contacts the patient is told when staff will see a risk answer,
from the clinic's working hours (issue 12, point 1)."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tessera.treatment import actions
from tests.conftest import sign_in

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
RISK = {**dict.fromkeys(range(1, 9), 1), 9: 1}


def done_page_at(world, moment) -> str:
    with time_machine.travel(moment, tick=False):
        actions.do_submit_response(
            world.due,
            RISK,
            acting_user=world.patient.user,
            submission_key=uuid.uuid4(),
            language="en",
        )
        client = Client()
        sign_in(client, world.patient.user)
        page = client.get(reverse("questionnaire_done", args=[world.due.pk]))
    return page.content.decode()


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # Wednesday 10:00, open 08-16: today.
        (dt.datetime(2026, 12, 9, 10, 0, tzinfo=STOCKHOLM), "The clinic is open now"),
        # Saturday night: Monday 08:00.
        (
            dt.datetime(2026, 12, 12, 23, 0, tzinfo=STOCKHOLM),
            "staff will see your answer when it opens, from 2026-12-14 08:00",
        ),
    ],
)
def test_the_patient_is_told_when_staff_will_see_a_risk_answer(world, moment, expected):
    text = done_page_at(world, moment)
    assert "If you are thinking about harming yourself" in text
    assert expected in text
