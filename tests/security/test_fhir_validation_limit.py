"""FHIR validation under a real time limit (issue 13): it runs in a child process that
is killed when the limit passes, so a body that keeps the validator busy is refused in
time and leaves no work running behind the answer."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from tessera.fhir import referrals
from tessera.fhir.models import ReferrerClient
from tessera.intake.models import Application
from tests.fhir.test_fhir_referral_intake import body, post

pytestmark = pytest.mark.django_db


def _busy_forever(pid_file):
    def validate(_payload):
        with open(pid_file, "w") as out:
            out.write(str(os.getpid()))
        while True:  # a validator that never finishes (a pathological body)
            pass

    return validate


def test_a_validation_past_the_limit_is_refused_and_its_process_is_gone(
    world, client, settings, monkeypatch, tmp_path
):
    settings.TESSERA_FHIR_VALIDATION_SECONDS = 0.5
    pid_file = tmp_path / "pid"
    monkeypatch.setattr(referrals, "read_referral", _busy_forever(pid_file))
    _ref, token = ReferrerClient.issue(world.clinic, "VC Norr")
    response = post(client, token, body())
    assert response.status_code == 422
    assert "took too long to validate" in response.content.decode()
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):  # killed and reaped: nothing left running
        os.kill(pid, 0)
    assert multiprocessing.active_children() == []
    assert not Application.objects.exists()


def test_a_validator_that_dies_is_a_clear_refusal_not_a_500(world, client, monkeypatch):
    monkeypatch.setattr(referrals, "read_referral", lambda _payload: os._exit(3))
    _ref, token = ReferrerClient.issue(world.clinic, "VC Norr")
    assert post(client, token, body()).status_code == 422
    assert multiprocessing.active_children() == []


def test_validation_answers_from_the_child_keep_their_problems(world, client):
    _ref, token = ReferrerClient.issue(world.clinic, "VC Norr")
    response = post(client, token, body(status="draft", intent=None))
    assert response.status_code in (400, 422)
    assert response.json()["resourceType"] == "OperationOutcome"
    assert response.json()["issue"][0]["expression"]
