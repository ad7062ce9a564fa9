"""For the tests of paged lists (decision 0140): a page's "next" link, and the queries
of drawing one full page."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def next_page(html: str) -> str:
    """The query string of the page's "next" link (``includes/pagination.html``)."""
    return re.search(r'<a href="([^"]*)" rel="next">', html).group(1).replace("&amp;", "&")


def queries_of_a_full_page(client, url: str, rows: Callable[[str], list], per_page: int) -> int:
    """The queries of drawing ``url``, which answers with ``per_page`` rows (``rows``
    reads them from the page)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(rows(response.content.decode())) == per_page
    return len(queries)


def answer_weekly_phq9(world, n: int, *, after_all_answers: bool = False) -> None:
    """``n`` more PHQ-9 answers of the world's patient, a week apart from 400 days ago,
    each total its number (mod 27). They follow the PHQ-9 answers already there, or with
    ``after_all_answers`` every answer of the course."""
    import datetime as dt
    import uuid

    from django.utils import timezone

    from tessera.treatment.models import Response

    start = timezone.now() - dt.timedelta(days=400)
    already = Response.objects.filter(episode=world.episode)
    if not after_all_answers:
        already = already.filter(instrument="PHQ-9")
    first = already.count()
    for i in range(first, first + n):
        Response.objects.create(
            episode=world.episode,
            instrument="PHQ-9",
            instrument_version="1",
            language="en",
            answers={},
            total=i % 27,
            result={},
            submitted_at=start + dt.timedelta(days=7 * i),
            submitted_by=world.patient.user,
            submission_key=uuid.uuid4(),
        )
