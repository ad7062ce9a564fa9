"""What an app may contribute to the portal's pages, and in which shape.

Every app that adds to pages it does not own (the menu, the patient overview) does so in
one module with one name: ``<app>/sections.py``. The portal (``tessera.portal``, the top
layer) imports each of those modules explicitly and gathers their contributions, so no
app registers anything at start-up and no lower app imports a higher one. A
``sections.py`` may define any of:

- ``staff_nav(user) -> list[(href, label)]``: menu entries for staff;
- ``patient_nav(user, base) -> list[(href, label)]``: menu entries for patients; ``base``
  is the request's ``reversing.url_base()``, for ``reverse_cached``;
- ``OVERVIEW: list[Section]``: sections of the patient overview;
- ``STAFF_HOME: list[Section]``: parts of a staff member's home; ``load`` gets the
  request and the user and returns the template's context, or None when the part is not
  for them (then it runs no query).

Menu functions run on every page: they use the roles the access policy has cached for
the request and run no query (or one, for a count). An overview section's ``load`` gets
the request and an episode the viewer may see (the overview has checked) and returns
the template's context; it must run a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    """One section of the patient overview, shown in ``order`` (then ``key``)."""

    key: str
    title: str
    template: str
    order: int
    load: Callable[[object, object], dict]
