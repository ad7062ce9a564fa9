"""The outcome report's figures, aggregated in the database, against numbers worked out
by hand from the cohort (tests/reports/cohort.py)."""

from __future__ import annotations

import pytest

from tessera.reports import figures
from tessera.reports.models import EpisodeOutcome


def _rates(report) -> dict:
    return {r.key: (r.numerator, r.denominator) for r in report.rates}


def _counts(report) -> dict:
    return {c.key: c.value for c in report.counts}


def test_the_effect_size_matches_a_hand_calculation():
    # first 10, 12, 14; last 4, 8, 6: means 12 and 6, both SDs 2, r = 0.5, so d = 3 and
    # V = (1/3 + 9/6) * 2 * 0.5 = 1.8333; 1.96 * sqrt(V) = 2.6539.
    xs, ys = [10, 12, 14], [4, 8, 6]
    change = figures.within_group_change(
        "PHQ-9",
        3,
        sum(xs),
        sum(ys),
        sum(x * x for x in xs),
        sum(y * y for y in ys),
        sum(x * y for x, y in zip(xs, ys, strict=True)),
    )
    assert (change.mean_first, change.mean_last) == (12, 6)
    assert change.effect_size == pytest.approx(3.0)
    assert change.ci_low == pytest.approx(0.3461, abs=1e-3)
    assert change.ci_high == pytest.approx(5.6539, abs=1e-3)


def test_no_spread_gives_means_without_an_effect_size():
    change = figures.within_group_change("PHQ-9", 2, 20, 10, 200, 50, 100)
    assert (change.mean_first, change.mean_last, change.effect_size) == (10, 5, None)


def test_the_clinic_report_counts_the_cohort_as_worked_out_by_hand(cohort, world):
    report = figures.outcome_report(
        EpisodeOutcome.objects.filter(clinic=world.clinic), clinics=[world.clinic]
    )
    assert _counts(report) == {
        "referred": 0,
        "assessed": 0,
        "started": 6,
        "ended": 6,
        "finished": 5,
        "dropped_out": 1,
        "stepped_up": 1,
    }
    assert _rates(report) == {
        "finished": (5, 6),
        "recovery": (2, 4),  # C was not at caseness at the start
        "reliable_improvement": (2, 5),
        "reliable_recovery": (2, 4),
        "reliable_deterioration": (1, 5),
        "substantially_improved": (0, 0),  # a national clinic: no course read by it
        "dropout": (1, 6),
    }
    assert [c.value for c in report.endings] == [4, 1, 1, 0]
    assert [c.value for c in report.dropout_timing] == [1, 0, 0]  # E left in week 1
    phq, gad = report.changes
    # PHQ-9 of the finished courses: first 15 12 8 10 18, last 5 11 6 18 6 (by hand:
    # SDs 3.975 and 5.450, r = -0.4224, d = 3.4 / 4.7697 = 0.7128, CI -0.943 to 2.368).
    assert (phq.n, phq.mean_first, phq.mean_last) == (5, 12.6, 9.2)
    assert phq.effect_size == pytest.approx(0.7128, abs=1e-3)
    assert (phq.ci_low, phq.ci_high) == (
        pytest.approx(-0.943, abs=2e-3),
        pytest.approx(2.368, abs=2e-3),
    )
    assert gad.n == 5


def test_a_therapist_report_counts_only_their_own_caseload(cohort, world):
    rows = EpisodeOutcome.objects.filter(therapist=world["therapist"])
    report = figures.outcome_report(rows, clinics=None)
    assert _rates(report)["recovery"] == (1, 3)
    assert _rates(report)["reliable_deterioration"] == (1, 4)
    assert _counts(report)["referred"] is None  # referrals belong to the clinic


def test_small_numbers_are_suppressed_beyond_the_clinic(cohort, world):
    rows = EpisodeOutcome.objects.filter(clinic=world.clinic)
    report = figures.outcome_report(rows, clinics=[world.clinic], suppress=True)
    counts = {c.key: c for c in report.counts}
    assert counts["finished"].value == 5 and not counts["finished"].suppressed
    assert counts["dropped_out"].suppressed and counts["dropped_out"].value is None
    assert counts["referred"].value == 0  # zero is not a small number to hide
    rates = {r.key: r for r in report.rates}
    assert rates["recovery"].suppressed  # 2 of 4
    assert rates["finished"].suppressed is False  # 5 of 6
    assert report.changes[0].n == 5


def test_a_period_counts_only_the_courses_that_ended_in_it(cohort, world):
    import datetime as dt

    from django.utils import timezone

    rows = EpisodeOutcome.objects.filter(clinic=world.clinic)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    report = figures.outcome_report(rows, clinics=[world.clinic], end=yesterday)
    assert _counts(report)["ended"] == 0 and _counts(report)["started"] == 6


def test_the_region_comparison_is_three_queries(cohort, world, django_assert_num_queries):
    """The courses that ended in the period, the count of those that started in it, and
    the referrals: whatever the number of clinics or courses."""
    rows = EpisodeOutcome.objects.filter(clinic__region=world.region)
    clinics = list(world.region.clinics.all())  # read by the page for its table
    with django_assert_num_queries(3):
        reports = figures.by_clinic(rows, clinics=clinics)
    assert set(reports) == {world.clinic.pk}
    assert reports[world.clinic.pk].rates[0].numerator == 5


def test_reading_only_the_courses_of_the_period_changes_no_figure(cohort, world):
    """figures.in_period leaves out rows that neither started nor ended in the period
    before aggregating: every figure equals the aggregate over all the rows."""
    import datetime as dt

    from django.utils import timezone

    rows = EpisodeOutcome.objects.filter(clinic__region=world.region)
    today = timezone.localdate()
    periods = [
        (None, None),
        (None, today - dt.timedelta(days=1)),
        (today - dt.timedelta(days=400), today),
        (today, today),
        (today + dt.timedelta(days=1), None),
    ]
    for start, end in periods:
        every = rows.aggregate(**figures._aggregates(start, end))
        some = rows.filter(figures.in_period(start, end)).aggregate(
            **figures._aggregates(start, end)
        )
        assert every == some, (start, end)


def test_a_clinic_without_a_course_in_the_period_is_left_to_the_empty_report(cohort, world):
    rows = EpisodeOutcome.objects.filter(clinic__region=world.region)
    EpisodeOutcome.objects.filter(clinic=world.clinic).update(clinic=world.other_clinic)
    reports = figures.by_clinic(rows, suppress=False, clinics=[world.clinic, world.other_clinic])
    assert world.clinic.pk not in reports  # no course and no referral: the page's empty row
    assert _counts(reports[world.other_clinic.pk])["ended"] == 6


def _periods():
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    return [
        (None, None),
        (None, today - dt.timedelta(days=1)),
        (today - dt.timedelta(days=400), today),
        (today, today),
        (today - dt.timedelta(weeks=6), today - dt.timedelta(days=1)),  # started only
        (today + dt.timedelta(days=1), None),
    ]


def test_the_reports_queries_give_the_figures_of_the_single_aggregate(cohort, world):
    """figures.outcome_report and by_clinic read the courses that ended in the period
    and count those that started in it apart (bench/reports_pg.py); every figure is the
    one the single aggregate over every row gives (_aggregates: each figure's period in
    its own filter), whatever the period, for a clinic and per clinic of a region."""
    rows = EpisodeOutcome.objects.filter(clinic__region=world.region)
    # A second clinic whose courses all start in the period but none ended yet.
    EpisodeOutcome.objects.filter(clinic=world.clinic, ended_on__isnull=False).exclude(
        pk__in=EpisodeOutcome.objects.filter(clinic=world.clinic).order_by("pk").values("pk")[:3]
    ).update(clinic=world.other_clinic, ended_on=None)
    for start, end in _periods():
        for suppress in (False, True):
            every = rows.aggregate(**figures._aggregates(start, end))
            whole = figures.outcome_report(
                rows, clinics=None, start=start, end=end, suppress=suppress
            )
            assert whole == figures.build(every, None, suppress=suppress), (start, end)
            per_clinic = figures.by_clinic(rows, start, end, suppress=suppress)
            expected = {}
            for clinic in (world.clinic, world.other_clinic):
                values = rows.filter(clinic=clinic).aggregate(**figures._aggregates(start, end))
                if rows.filter(clinic=clinic).filter(figures.in_period(start, end)).exists():
                    expected[clinic.pk] = figures.build(values, None, suppress=suppress)
            assert per_clinic == expected, (start, end)


def test_the_report_counts_as_the_outcome_engine_does(cohort, world):
    """The report's rates over the courses that ended in a period are the ones
    ``python -m tessera.outcomes summarise`` prints for those courses' rows of the
    outcome table (the engine's own CSV, as the table's download writes it)."""
    import io
    import re

    from tessera.outcomes.cli import main as outcomes_cli
    from tessera.reports.exports import csv_lines, engine_rows

    rows = EpisodeOutcome.objects.filter(clinic__region=world.region)
    names = {
        "finished": "finished",
        "recovery": "recovery",
        "reliable improvement": "reliable_improvement",
        "reliable deterioration": "reliable_deterioration",
        "reliable recovery": "reliable_recovery",
    }
    for start, end in _periods():
        ended = rows.filter(figures._period("ended_on", start, end))
        text = "".join(csv_lines(engine_rows(ended)))
        out, err = io.StringIO(), io.StringIO()
        assert (
            outcomes_cli(["summarise", "-"], stdout=out, stderr=err, stdin=io.StringIO(text)) == 0
        )
        engine = {}
        for line in out.getvalue().splitlines():
            found = re.match(r"([a-z ]+): (\d+)/(\d+) = ", line)
            if found and found[1] in names:
                engine[names[found[1]]] = (int(found[2]), int(found[3]))
        assert len(engine) == 5, out.getvalue()
        report = figures.outcome_report(rows, clinics=None, start=start, end=end)
        assert {key: _rates(report)[key] for key in engine} == engine, (start, end)
        assert _counts(report)["ended"] == ended.count()
