"""Under ``TESSERA_TEST_CLOCK`` the browser travels with the server (decision 0116):
each browser context's clock is installed at the server's travelled now and ticks on,
so a journey's page scripts and date fields see the instant the live server sees."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import time_machine
from django.utils import timezone

from tests.e2e.conftest import TravellingBrowser

SPRING_FORWARD = dt.datetime(2027, 3, 28, 1, 59, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Stockholm"))


def _seconds_apart(page, moment: dt.datetime) -> float:
    return abs(page.evaluate("Date.now()") / 1000 - moment.timestamp())


def test_every_new_context_starts_at_the_servers_instant(browser, live_server, transactional_db):
    travelling = TravellingBrowser(getattr(browser, "_browser", browser))
    with time_machine.travel(SPRING_FORWARD, tick=True):
        context = travelling.new_context(base_url=live_server.url)
        phone = travelling.new_page(base_url=live_server.url)
        try:
            for page in (context.new_page(), phone):
                page.goto("/accounts/login/")
                assert _seconds_apart(page, timezone.now()) < 60
                assert _seconds_apart(page, SPRING_FORWARD) < 60
        finally:
            context.close()
            phone.context.close()


def test_the_page_reads_the_servers_clock(page):
    """Trivially true on an ordinary run; under ``TESSERA_TEST_CLOCK`` the ``page``
    fixture's browser is a travelling one."""
    page.goto("/accounts/login/")
    assert _seconds_apart(page, timezone.now()) < 60
