"""A paginator whose count stops at a cap, for lists that grow without end (the audit
trail): counting every row of a clinic's trail on every page costs as much as the
trail is long, and nobody pages past the first hundred pages; they narrow the search."""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows (one query, ``COUNT`` over a ``LIMIT``); ``capped``
    says there are more, and only the first ``cap`` rows can be paged to. The count
    keeps the list's order, so that it reads the same index as the page does (without
    it the planner is free to pick a plan that scans far more of the table).

    ``count``: a function of the cap counting the list no further than ``cap + 1`` from
    a cheaper query, for a list that is not a query set (the patient list's search,
    decision 0165); without it the list itself is counted so."""

    def __init__(self, object_list, per_page, *, cap: int = 5000, count=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self._count_to = count

    @cached_property
    def count(self) -> int:
        if self._count_to is not None:
            return min(self._count_to(self.cap), self.cap + 1)
        return min(self.object_list[: self.cap + 1].count(), self.cap + 1)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        if self.capped:
            return -(-self.cap // self.per_page)
        return super().num_pages


class OneReadPaginator(CappedPaginator):
    """A ``CappedPaginator`` whose page and count are read together: ``read(offset,
    limit, cap)`` gives the rows from ``offset`` (at most ``limit``) and how many rows
    the list has, counted no further than ``cap + 1`` (one query, a window's count over
    the capped list: ``AuditQuerySet.security_events_page``). Where the count and the
    page were two reads of the same index ranges, each a descent a level deeper as the
    country grew (decision 0108). A page past the end or past the cap is counted as
    ``CappedPaginator`` counts it and the last page read instead, as Django does."""

    def __init__(self, object_list, per_page, *, read, cap: int = 5000, **kwargs):
        super().__init__(object_list, per_page, cap=cap, **kwargs)
        self._read = read

    def get_page(self, number):
        try:
            wanted = int(number) if number not in (None, "") else 1
        except (TypeError, ValueError):
            wanted = 1
        if 1 <= wanted <= -(-self.cap // self.per_page):
            offset = (wanted - 1) * self.per_page
            rows, count = self._read(offset, self.per_page, self.cap)
            if rows or wanted == 1:
                self.__dict__["count"] = count  # the cached property, answered
                return self._get_page(rows, wanted, self)
        return super().get_page(number)


class CountedPaginator(Paginator):
    """A paginator told how to count: ``count`` is a function giving the same number as
    ``object_list.count()`` from a cheaper query (the patient list counts the scope's
    episodes by index instead of reading every patient row in scope). Called once, when
    the count is first needed."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count()


class ShortListPaginator(Paginator):
    """For a list that nearly always fits on one page (a clinic's open risk alerts):
    when the first page is asked, its rows are read first, one more than fit, and a
    list that fits is counted from them. One read where the count and the page were two
    reads of the same rows: each a descent of the list's index, three pages at 100,000
    patients where the whole table was one page at 1,000 (decision 0090). A longer list,
    or any other page, is counted as Django counts it."""

    def get_page(self, number):
        if number in (None, "", 1, "1"):
            rows = list(self.object_list[: self.per_page + 1])
            if len(rows) <= self.per_page:
                self.__dict__["count"] = len(rows)  # the cached property, answered
                return self._get_page(rows, 1, self)
        return super().get_page(number)


class EntryListing:
    """A list to page through given as sorted ``entries`` (rows of a query that carry
    what the page shows) and ``make``, which makes the page's object of one row: the
    patient list pages through the scope's episode entries and shows them, reading no
    patient row (issue 16). ``count`` counts the entries (a function, called once by
    the paginator)."""

    def __init__(self, entries, make, *, count):
        self.entries = entries
        self.make = make
        self._count = count

    def count(self) -> int:
        return self._count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key : key + 1][0]
        return [self.make(row) for row in self.entries[key]]
