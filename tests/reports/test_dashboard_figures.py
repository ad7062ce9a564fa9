"""The dashboard figures added for issue 15's remaining items: uptake area, reasons for
declining, adoption by GPs, reply times and online share, module adherence, the
quarters table, and adverse effects in the outcome report. Worked out by hand."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tessera.core.actions import do_update_patient_details
from tessera.intake.models import Application
from tessera.messaging.actions import do_send_message
from tessera.reports import dashboard, figures
from tessera.reports.areas import postcode_area
from tessera.reports.models import EpisodeOutcome
from tessera.reports.outcome_table import row_for
from tests.conftest import sign_in
from tests.intake.intake_helpers import make_application, make_gp_referral


def test_the_postcode_area_by_country():
    assert postcode_area("Storgatan 12\n113 51 Stockholm", "SE") == "113"
    assert postcode_area("Storgatan 12, 11351 Stockholm", "SE") == "113"
    assert postcode_area("Karl Johans gate 1\n0154 Oslo", "NO") == "01"
    assert postcode_area("Nørrebrogade 2, 2200 København N", "DK") == "22"
    assert postcode_area("Damrak 1\n1012 lg Amsterdam", "NL") == "1012"
    assert postcode_area("1 Princes St\nEdinburgh EH2 2EQ", "GB-SCT") == "EH2"
    assert postcode_area("no postcode here", "SE") == ""
    assert postcode_area("113 51 Stockholm", "XX") == ""


def test_the_uptake_area_follows_the_patient_address(
    cohort, world, django_capture_on_commit_callbacks
):
    # The cohort's refreshes ran when it was built; in a test they stay in the
    # connection's list (a commit would empty it), where they would stand for new ones.
    transaction.get_connection().run_on_commit.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for name, address in (("A", "Gatan 1\n113 51 Stockholm"), ("B", "Väg 2\n11322 Stockholm")):
            do_update_patient_details(
                cohort[name].patient, acting_user=world["manager"], address=address
            )
        do_update_patient_details(
            cohort["C"].patient, acting_user=world["manager"], address="Torget 3\n752 20 Uppsala"
        )
    rows = dashboard.uptake_areas(world.clinic).rows
    # 6 courses: two in 113, one in 752, three without an address.
    assert rows == [["113", 2, 33.3], ["752", 1, 16.7], ["Not known", 3, 50.0]]


def _declined(world, email, status, reason):
    application = make_application(world.clinic, email)
    Application.objects.filter(pk=application.pk).update(status=status, decision_reason=reason)


def test_reasons_for_declining_are_counted_together(world):
    _declined(world, "r1@apply.test", "declined", "Needs more intensive care")
    _declined(world, "r2@apply.test", "declined", " needs more intensive care ")
    _declined(world, "r3@apply.test", "redirected", "Substance use first")
    _declined(world, "r4@apply.test", "declined", "")
    rows = dashboard.decline_reasons(world.clinic).rows
    # Counted together whatever the case and spaces; shown as one of them was written.
    assert rows[0][0] == "Declined" and rows[0][2] == 2
    assert rows[0][1].lower() == "needs more intensive care"
    assert ["Declined", "No reason written", 1] in rows
    assert ["Referred elsewhere", "Substance use first", 1] in rows


def test_gp_adoption_counts_practices_and_repeat_referrers(world):
    tz = timezone.get_current_timezone()
    q1 = dt.datetime(2026, 2, 10, 12, tzinfo=tz)
    q2 = dt.datetime(2026, 5, 10, 12, tzinfo=tz)
    make_gp_referral(world.clinic, "g1@apply.test", "Vårdcentralen Norr", q1)
    make_gp_referral(world.clinic, "g2@apply.test", "Vårdcentralen Syd", q1)
    make_gp_referral(world.clinic, "g3@apply.test", "vårdcentralen  norr", q2)  # the same practice
    make_gp_referral(world.clinic, "g4@apply.test", "Hälsan Öst", q2)
    selfref = make_application(world.clinic, "g5@apply.test")
    Application.objects.filter(pk=selfref.pk).update(submitted_at=q2)
    rows = dashboard.gp_adoption(world.clinic).rows
    # Q1: 2 referrals from 2 practices, none before, all applications; Q2: 2 from 2
    # practices, one of them a repeat referrer, 2 of 3 applications.
    assert rows == [["2026 Q1", 2, 2, 0, 100.0], ["2026 Q2", 2, 2, 1, 66.7]]
    quarters = {row[0]: row for row in dashboard.by_quarter(world.clinic).rows}
    assert quarters["2026 Q2"][1:3] == [3, 2]  # applications, of them from professionals


def test_reply_times_and_online_share_per_week(cohort, world):
    episode = cohort["A"]  # ended, but a message still counts in the week it arrived
    episode.status = "active"
    episode.save(update_fields=["status"])
    do_send_message(
        episode, acting_user=episode.patient.user, body="Hello", submission_key=uuid.uuid4()
    )
    table = dashboard.replies_and_online(world.clinic)
    assert len(table.rows) == dashboard.REPLY_WEEKS
    this_week = table.rows[-1]
    # One message, not answered yet and not late: not counted as decided.
    assert this_week[1] == 0 and this_week[2] is None
    assert this_week[5] == world.clinic.icbt_share_limit


def test_module_adherence_by_programme(cohort, world):
    EpisodeOutcome.objects.filter(episode__in=[cohort["A"], cohort["B"]]).update(
        programme_key="depression", modules_completed=4
    )
    EpisodeOutcome.objects.filter(episode=cohort["E"]).update(
        programme_key="depression", modules_completed=1
    )
    rows = {row[0]: row for row in dashboard.adherence(world.clinic).rows}
    # A, B finished (4 modules each), E dropped out in week 1 (1 module).
    assert rows["depression"] == ["depression", 3, 3.0, 66.7, 33.3, 1.0]
    assert rows["No programme"][1] == 3


def test_the_neq_total_is_the_adverse_effects_of_the_row(cohort):
    episode = cohort["A"]
    responses = [("PHQ-9", 15, "pre"), ("NEQ-20", 2, "post"), ("NEQ-20", 3, "post")]
    assert row_for(episode, responses, 0, 0, "")["neq_effects"] == 3
    assert row_for(episode, [("PHQ-9", 15, "pre")], 0, 0, "")["neq_effects"] is None


def test_adverse_effects_in_the_outcome_report(cohort, world, client):
    rows = EpisodeOutcome.objects.filter(clinic=world.clinic)
    for name, effects in (("A", 0), ("B", 2), ("C", 5), ("D", 1), ("F", 0)):
        rows.filter(episode=cohort[name]).update(neq_effects=effects)
    report = figures.outcome_report(rows, clinics=[world.clinic])
    adverse, measured = report.adverse
    # 5 of the 6 ended courses answered; 3 of them reported an effect; 8 effects / 5.
    assert (adverse.numerator, adverse.denominator) == (3, 5)
    assert (measured.numerator, measured.denominator) == (5, 6)
    assert report.adverse_mean == 1.6
    suppressed = figures.outcome_report(rows, clinics=[world.clinic], suppress=True)
    assert suppressed.adverse[0].suppressed and suppressed.adverse_mean is None
    sign_in(client, world["manager"])
    page = client.get(reverse("clinic_outcomes", args=["alpha"])).content.decode()
    assert 'id="adverse"' in page and "60.0 %" in page and "1.6" in page


def test_beyond_the_clinic_only_counts_of_people_are_hidden(cohort, world, client):
    sign_in(client, world["region_admin"])
    body = client.get(reverse("dashboard_csv", args=["alpha", "adherence"])).content.decode()
    # 6 courses ended (shown); the mean of 2.x modules and shares are not counts.
    line = body.splitlines()[1]
    assert line.startswith("No programme,6,")
    body = client.get(reverse("dashboard_csv", args=["alpha", "waits"])).content.decode()
    assert "fewer than 5" not in body.splitlines()[0]
