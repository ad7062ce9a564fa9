"""The browser leaves Django on the test thread's own database connection (decision 0092).

Playwright's sync API keeps an asyncio loop running on the test thread; Django then
looked its connections up in a context variable instead of the thread's store, so the
tests after the first browser test ran on a second connection, and the shared world's
transaction (tests/snapshot.py) could be begun on the one and rolled back on the other."""

from __future__ import annotations

import asyncio

from django.db import connections


def test_the_same_connection_with_and_without_the_browsers_loop(browser):
    loop = asyncio.get_running_loop()  # Playwright's, on this thread
    with_loop = connections["default"]
    asyncio._set_running_loop(None)
    try:
        without_loop = connections["default"]
    finally:
        asyncio._set_running_loop(loop)
    assert with_loop is without_loop
