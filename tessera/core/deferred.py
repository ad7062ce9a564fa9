"""Work that may wait until a bulk write is done (decision 0034).

A keeper of derived data (the reports' outcome table) usually refreshes what a write
made stale when the transaction commits. Inside ``deferred()`` it calls ``defer(flush,
key)`` instead: the key is remembered (once, in the order first seen) and ``flush`` is
called once with all of its keys when the block ends without an error. The demo's
seeding uses it, so that an episode written by fifty actions is refreshed once, not
fifty times. Nothing inside the block may read the derived data: it is stale there.
Lower apps know nothing of who defers what; the keeper registers its own ``flush``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_pending: ContextVar[dict | None] = ContextVar("tessera_deferred", default=None)


@contextmanager
def deferred() -> Iterator[None]:
    """Collect deferred work for the block; do it once at the end (on success only:
    after an error the data it would derive may not exist). Nested blocks join the
    outer one."""
    if _pending.get() is not None:
        yield
        return
    pending: dict[Callable, dict] = {}
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    for flush, keys in pending.items():
        flush(list(keys))


def defer(flush: Callable[[list], object], key: Hashable) -> bool:
    """Remember ``key`` for ``flush`` if a ``deferred()`` block is open (True), else
    False: the caller does the work itself, as usual."""
    pending = _pending.get()
    if pending is None:
        return False
    pending.setdefault(flush, {})[key] = None
    return True
