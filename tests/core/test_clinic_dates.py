"""The clinic's date, not the server's (decision 0049).

The server's TIME_ZONE is Stockholm; the demo's Highland clinic is in Scotland, an hour
behind. At 23:30 UTC on Sunday 31 December 2028 it is still Sunday in Inverness, while in
Stockholm it is Monday 1 January 2029: a new week, quarter and year. Every date a clinic
shows (letters, receipts, the FHIR summary, report periods, module openings) must be
Highland's Sunday.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse
from django.utils import formats, timezone, translation

from tessera.core.clinic_dates import clinic_date, clinic_today, today_at
from tessera.core.models import Clinic, Episode, Patient, User
from tessera.fhir.record import document, summary
from tessera.fhir.record.load import load_records
from tessera.intake.models import Application
from tessera.letters import actions as letters
from tessera.letters.actions import receipts
from tessera.letters.models import Letter
from tessera.reports import dashboard, outcome_table
from tessera.reports.models import ClinicCosts, EpisodeOutcome, QuarterlyReport
from tessera.reports.tasks import build_quarterly_reports
from tessera.treatment import plans
from tests.conftest import sign_in

NIGHT = dt.datetime(2028, 12, 31, 23, 30, tzinfo=dt.UTC)
CLINIC_DAY = dt.date(2028, 12, 31)  # Sunday in Inverness
SERVER_DAY = dt.date(2029, 1, 1)  # already Monday in Stockholm


@pytest.fixture
def highland(seeded_demo):
    return Clinic.objects.get(slug="highland")


def _episode(clinic):
    return (
        Episode.objects.filter(clinic=clinic, patient__user__isnull=False)
        .exclude(status=Episode.Status.ENDED)
        .select_related("patient", "clinic")
        .order_by("pk")
        .first()
    )


def _shown(day: dt.date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(day, "SHORT_DATE_FORMAT")


def test_the_helpers_give_the_clinics_date_not_the_servers(highland):
    riverside = Clinic.objects.get(slug="riverside")
    with time_machine.travel(NIGHT, tick=False):
        assert timezone.localdate() == SERVER_DAY  # the trap
        assert clinic_today(highland) == CLINIC_DAY
        assert clinic_today(riverside) == SERVER_DAY
        assert clinic_date(highland, NIGHT) == CLINIC_DAY
        assert today_at([riverside, highland]) == CLINIC_DAY  # no period ends early
        assert plans.clinic_today(highland) == CLINIC_DAY
    with pytest.raises(TypeError):  # no server-date default for module states
        plans.states([], unlock_rule="weekly", started_on=CLINIC_DAY)


def test_letters_receipts_and_the_fhir_record_carry_the_clinics_date(highland, monkeypatch):
    episode = _episode(highland)
    Patient.objects.filter(pk=episode.patient_id).update(
        letters_to_gp=True, gp_name="Dr Fraser", gp_email="gp@nhs.test"
    )
    episode.patient.refresh_from_db()
    with time_machine.travel(NIGHT, tick=False):
        letter = letters.do_write_letter(episode, Letter.Kind.STARTED)
        assert _shown(CLINIC_DAY, letter.language) in letter.html
        assert _shown(SERVER_DAY, letter.language) not in letter.html
        # The receipt's mail names the day the letter was written at the clinic.
        application = Application.objects.filter(clinic=highland).first()
        Letter.objects.filter(pk=letter.pk).update(application=application)
        _subject, body = receipts._notice_text(SimpleNamespace(params={"letter": letter.pk}), "en")
        assert CLINIC_DAY.isoformat() in body and SERVER_DAY.isoformat() not in body

        seen = []
        status = summary._activity_status
        monkeypatch.setattr(
            summary, "_activity_status", lambda e, t: seen.append(t) or status(e, t)
        )
        care_plan = document.r.care_plan
        monkeypatch.setattr(
            document.r,
            "care_plan",
            lambda *a, today, **k: seen.append(today) or care_plan(*a, today=today, **k),
        )
        (record,) = load_records(Episode.objects.filter(pk=episode.pk), letters=False)
        summary.summary_context(record, "en")
        document.episode_resources(record, "https://tessera.test/fhir")
    assert seen and set(seen) == {CLINIC_DAY}


def test_report_periods_end_on_the_clinics_date(highland, client):
    episode = _episode(highland)
    with time_machine.travel(NIGHT, tick=False):
        weekly, _steadiness = dashboard.applications_per_week(highland)
        assert weekly.rows[-1][0] == "2028-12-25"  # Highland's week, not Stockholm's next
        region = dashboard.Clinics((highland.pk,))
        assert dashboard.applications_per_week(region)[0].rows[-1][0] == "2028-12-25"
        costs = ClinicCosts.objects.get(clinic=highland)
        assert dashboard.costs(highland, costs) == dashboard.costs(highland, costs, CLINIC_DAY)
        assert dashboard.clinic_comparison([highland], {}) == dashboard.clinic_comparison(
            [highland], {}, CLINIC_DAY
        )
        # The outcome row: a course opened tonight was opened on Highland's Sunday (and
        # begun on Monday: a course begun before it was entered was opened when it began).
        Episode.objects.filter(pk=episode.pk).update(
            created_at=NIGHT, started_on=CLINIC_DAY + dt.timedelta(days=1)
        )
        outcome_table.refresh([episode.pk])
        assert EpisodeOutcome.objects.get(episode=episode).opened_on == CLINIC_DAY
        # The quarterly task builds Highland's last complete quarter: Q3 2028 (Q4 is not
        # over in Inverness), and the list offers Q4 2028 as the quarter in progress.
        build_quarterly_reports.call()
        built = set(
            QuarterlyReport.objects.filter(clinic=highland).values_list("quarter_start", flat=True)
        )
        assert dt.date(2028, 7, 1) in built and dt.date(2028, 10, 1) not in built
        sign_in(client, User.objects.get(email="highland.oncall@demo.tessera.test"))
        page = client.get(reverse("quarterly_list", args=["highland"]))
        assert page.status_code == 200
        quarters = page.context["form"].fields["quarter"].choices
        assert str(quarters[0][0]) == "2028-10-01"
