"""The triage queue: who sees it, ordering, filters, paging and its query budget."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tessera.intake import actions
from tessera.intake.models import Application, ScreeningAnswer, Source, Status
from tessera.intake.queue import queue_page
from tests.intake.intake_helpers import PHQ_RISK, REFERRAL, make_application


def _bulk(clinic, n: int, *, start=0) -> None:
    """n sent applications with two screening answers each (bulk, for size)."""
    now = timezone.now()
    rows = Application.objects.bulk_create(
        [
            Application(
                clinic=clinic,
                reference=f"B-{start + i:08d}",
                source=Source.SELF if i % 3 else Source.PROFESSIONAL,
                status=Status.SUBMITTED,
                first_name=f"Person{i}",
                last_name="Bulk",
                date_of_birth=dt.date(1980, 1, 1) + dt.timedelta(days=i),
                submitted_at=now - dt.timedelta(hours=i + 1),
                urgent=(i % 97 == 0),
            )
            for i in range(start, start + n)
        ]
    )
    ScreeningAnswer.objects.bulk_create(
        [
            ScreeningAnswer(
                application=a,
                instrument=code,
                instrument_version="1.0.0",
                language="en",
                answers={},
                total=10,
                band="moderate",
                submitted_at=now,
            )
            for a in rows
            for code in ("PHQ-9", "GAD-7")
        ]
    )


def test_urgent_on_top_then_oldest_first(world, consent):
    old = make_application(world.clinic, "old@apply.test", first="Old")
    new = make_application(world.clinic, "new@apply.test", first="New")
    urgent = make_application(world.clinic, "urgent@apply.test", first="Urgent", phq=PHQ_RISK)
    Application.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - dt.timedelta(days=3))
    _page, rows = queue_page(world["intake"], 1)
    assert [r.application for r in rows] == [urgent, old, new]
    assert rows[1].waiting >= dt.timedelta(days=3)
    assert [s.instrument for s in rows[0].scores] == ["PHQ-9", "GAD-7"]


def test_filters_by_source_status_and_urgency(world, consent):
    self_app = make_application(world.clinic, "self@apply.test", first="Self", phq=PHQ_RISK)
    from tessera.intake.actions import apply as apply_actions

    referred = apply_actions.do_refer(
        world.clinic,
        referral=REFERRAL,
        person={"first_name": "Ref", "last_name": "Erred", "date_of_birth": dt.date(1970, 1, 1)},
    )
    declined = make_application(world.clinic, "no@apply.test", first="No", last="Pe")
    actions.do_decline(declined, acting_user=world["assessor"], reason="Not suitable")
    user = world["intake"]

    def shown(**filters):
        return [r.application for r in queue_page(user, 1, **filters)[1]]

    assert set(shown()) == {self_app, referred}  # open ones by default
    assert shown(source="professional") == [referred]
    assert shown(urgent=True) == [self_app]
    assert shown(status="declined") == [declined]


def test_the_queue_page_filters_from_the_query_string(world, consent, login):
    make_application(world.clinic, "self@apply.test", first="Selma", last="Self")
    login(world["intake"])
    page = reverse("intake_queue")
    assert "Selma Self" in login(world["intake"]).get(page).content.decode()
    client = login(world["intake"])
    assert "Selma Self" not in client.get(page, {"source": "professional"}).content.decode()
    assert client.get(page, {"status": "nonsense"}).status_code == 200  # ignored, no 500


def test_drafts_and_other_clinics_are_not_in_the_queue(world, consent):
    from tests.intake.intake_helpers import consent_for

    consent_for(world.other_clinic)
    make_application(world.clinic, "draft@apply.test", submit=False)
    make_application(world.other_clinic, "far@apply.test")
    assert queue_page(world["intake"], 1)[1] == []
    assert len(queue_page(world["other_manager"], 1)[1]) == 1


def _count_queries(client, url, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_queue_uses_a_constant_number_of_queries(world, login, django_assert_max_num_queries):
    client = login(world["intake"])
    url = reverse("intake_queue")
    _bulk(world.clinic, 10)
    small = _count_queries(client, url, django_assert_max_num_queries, 20)
    _bulk(world.clinic, 990, start=10)
    assert Application.objects.filter(clinic=world.clinic).count() == 1000
    large = _count_queries(client, url, django_assert_max_num_queries, 20)
    assert small == large
    body = client.get(url).content.decode()
    assert "1000 applications" in body and 'rel="next"' in body
    last = _count_queries(client, url + "?page=20", django_assert_max_num_queries, 20)
    assert last == large


@pytest.mark.parametrize("kind", ["therapist", "supervisor", "author", "other_therapist"])
def test_others_have_no_queue(world, login, kind):
    assert login(world[kind]).get(reverse("intake_queue")).status_code == 404
