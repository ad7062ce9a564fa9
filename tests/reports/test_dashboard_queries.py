"""The dashboard's counts read by the indexes (decision 0035) are the same as by the
queries they replaced: COUNT(pk) and the referrals' applications as a subquery of ids,
on a small dataset with drafts, duplicates and another clinic's referrals that neither
may count."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from tessera.intake.models import Application, Referral
from tessera.intake.models.applications import Status
from tessera.reports import dashboard
from tests.intake.intake_helpers import make_gp_referral


def _before_pairs(clinic):
    """gp_adoption's referrals before: a subquery of the applications' ids."""
    return sorted(
        Referral.objects.filter(application__in=dashboard._applications(clinic))
        .annotate(q=TruncQuarter("application__submitted_at"))
        .values_list("q", "organisation")
        .annotate(n=Count("pk"))
        .values_list("q", "organisation", "n")
    )


def _now_pairs(clinic):
    return sorted(
        Referral.objects.filter(application__clinic=clinic, application__submitted_at__isnull=False)
        .exclude(application__status__in=[Status.DRAFT, Status.DUPLICATE])
        .annotate(q=TruncQuarter("application__submitted_at"))
        .values_list("q", "organisation")
        .annotate(n=Count("pk"))
        .values_list("q", "organisation", "n")
    )


def test_the_dashboard_counts_the_same_as_before(world):
    tz = timezone.get_current_timezone()
    q1 = dt.datetime(2026, 2, 10, 12, tzinfo=tz)
    q2 = dt.datetime(2026, 5, 10, 12, tzinfo=tz)
    make_gp_referral(world.clinic, "d1@apply.test", "Norr", q1)
    make_gp_referral(world.clinic, "d2@apply.test", "Syd", q2)
    make_gp_referral(world.clinic, "d3@apply.test", "Norr", q2, status=Status.DUPLICATE)
    make_gp_referral(world.clinic, "d4@apply.test", "Syd", q2, status=Status.DRAFT)
    make_gp_referral(world.clinic, "d5@apply.test", "Öst", q2, status=Status.DECLINED)
    make_gp_referral(world.other_clinic, "d6@apply.test", "Norr", q2)
    Application.objects.filter(clinic=world.clinic, submitted_at__isnull=True).update(
        submitted_at=q2
    )

    for clinic in (world.clinic, world.other_clinic):
        assert _now_pairs(clinic) == _before_pairs(clinic) != []
        apps = dashboard._applications(clinic)
        before = dict(apps.values_list("status").annotate(n=Count("pk")))
        assert {row[0]: row[1] for row in dashboard.decisions(clinic).rows if row[1]} == {
            str(Status(s).label): n for s, n in before.items()
        }
        per_quarter = dict(
            apps.annotate(q=TruncQuarter("submitted_at")).values_list("q").annotate(n=Count("pk"))
        )
        rows = dashboard.gp_adoption(clinic).rows
        assert [row[1] for row in rows] == [
            sum(n for q, _o, n in _before_pairs(clinic) if q == quarter)
            for quarter in sorted({q for q, _o, _n in _before_pairs(clinic)})
        ]
        assert sum(per_quarter.values()) == sum(row[1] for row in dashboard.by_quarter(clinic).rows)
    # what the new clinic's page shows: Norr in Q1, Syd and the declined Öst in Q2
    assert [row[:3] for row in dashboard.gp_adoption(world.clinic).rows] == [
        ["2026 Q1", 1, 1],
        ["2026 Q2", 2, 2],
    ]
