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
