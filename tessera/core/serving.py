"""What a web server's worker does once, after loading the application and before its
first request (decision 0081).

Python's cyclic garbage collector, in its full (oldest-generation) collections, walks
every container object the process holds. After start-up a worker holds about 190,000
of them (Django, the apps, the URLconf, the compiled regular expressions), alive until
the process ends; the requests' own objects are a few thousand. A full collection then
took about 80 ms (measured in process on the patient home: one in about a thousand
requests), and every request queued behind that worker waited for it: the tail of the
response times, not their median.

``ready_to_serve()`` loads the URLconf (its views, forms and their imports, else loaded
by the first request) and moves everything alive at that point into the collector's
permanent generation (``gc.freeze()``): never walked again, never freed (it would not be
anyway). The requests' objects are collected as before, and the collector's thresholds
are Python's own. Under gunicorn's ``--preload`` the master runs it before forking, so
that the workers also share those pages of memory instead of copying them when the
collector would have touched them.
"""

from __future__ import annotations

import gc


def ready_to_serve() -> int:
    """Load the URLconf, collect once, freeze what is alive; gives how many objects were
    frozen (for the operator's log and the tests)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (the views and their imports, loaded now)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
