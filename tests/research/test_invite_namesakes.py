"""The study's "Invite a patient" list tells two patients named alike apart (decision
0135). Every other staff list did (decision 0128); this choice said "Anna Svensson ·
Clinic alpha" twice, and the coordinator could invite the wrong patient to the study."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse

from tessera.core.models import Episode, Patient
from tests.conftest import make_patient, sign_in
from tests.research import fixtures  # noqa: F401  (the shared study is built there)


def test_namesakes_in_the_invitation_list_are_told_apart(world, study, client):
    _first, older = make_patient(world.clinic, "anna1@alpha.test", first="Anna", last="Svensson")
    second, younger = make_patient(world.clinic, "anna2@alpha.test", first="Anna", last="Svensson")
    Patient.objects.filter(pk=second.pk).update(date_of_birth=dt.date(1991, 3, 4))
    Episode.objects.filter(pk=younger.pk).update(patient_date_of_birth=dt.date(1991, 3, 4))
    sign_in(client, study.coordinator)
    url = reverse("study_participants", args=[study.study.pk])
    # The list is a search's since decision 0139.
    page = client.get(client.post(url, {"q": "Svensson"})["Location"]).content.decode()
    options = {
        int(value): " ".join(text.split())
        for value, text in re.findall(
            r'<input type="radio" name="episode" value="(\d+)"[^>]*>\s*<label[^>]*>([^<]*)</label>',
            page,
        )
    }
    assert options[older.pk] != options[younger.pk], options
    assert "Anna Svensson (born" in options[older.pk]
    assert "Anna Svensson (born" in options[younger.pk]
