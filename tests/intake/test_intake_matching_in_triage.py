"""Programme suggestions in the queue and on the application page, with real
applications and real published programmes (not stand-ins), and their query cost."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from tessera.intake.models import Application
from tests.intake.assessment_helpers import published_version
from tests.intake.intake_helpers import make_application
from tests.intake.test_intake_queue import _bulk


def test_queue_and_page_show_the_suggestion_with_reasons(world, login):
    published_version(world)
    application = make_application(world.clinic, "match@apply.test")  # PHQ-9 8, GAD-7 14
    client = login(world["intake"])
    body = client.get(reverse("intake_queue")).content.decode()
    assert '<span class="suggestion">Depression</span>' in body
    assert "PHQ-9 8" in body  # the summary line
    page = client.get(reverse("intake_application", args=[application.pk])).content.decode()
    assert "<strong>Depression</strong>" in page and "Nothing fits" not in page


def test_nothing_fits_says_why(world, login):
    published_version(world)  # adults only (min_age 18)
    today = dt.date.today()
    born = today.replace(year=today.year - 15, day=min(today.day, 28))
    young = make_application(world.clinic, "young@apply.test", born=born)
    client = login(world["intake"])
    body = client.get(reverse("intake_queue")).content.decode()
    assert "Nothing fits" in body
    page = client.get(reverse("intake_application", args=[young.pk])).content.decode()
    assert "Nothing fits" in page


def test_queue_with_suggestions_uses_constant_queries(world, login, django_assert_max_num_queries):
    published_version(world)
    published_version(world, key="panic")
    client = login(world["intake"])
    url = reverse("intake_queue")
    _bulk(world.clinic, 5)

    def count() -> int:
        with django_assert_max_num_queries(22) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured)

    small = count()
    _bulk(world.clinic, 195, start=5)
    assert Application.objects.filter(clinic=world.clinic).count() == 200
    assert count() == small


def test_the_application_page_reads_its_screening_answers_once(world, login):
    """The page lists the answers and matches them to programmes: one read serves both
    (the suggestions' prefetch finds them on the application; issue 16)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    published_version(world)
    application = make_application(world.clinic, "once@apply.test")
    client = login(world["intake"])
    url = reverse("intake_application", args=[application.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    assert "<strong>Depression</strong>" in page and "PHQ-9" in page
    reads = [q["sql"] for q in captured if 'FROM "intake_screeninganswer"' in q["sql"]]
    assert len(reads) == 1, reads
