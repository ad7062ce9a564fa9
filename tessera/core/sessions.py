"""Sessions kept in the shared cache (Redis) in front of the database (decision 0063).

Django's ``cached_db`` store, with two changes. The cache holds a session for at most
``CACHE_SECONDS``, then it is read from the database again: a session ended while the
cache could not be reached (signed out, ended by ``end_sessions``) is still found in the
cache for at most that long once it can be reached again. And a cache that fails never
fails the request: reads and writes go to the database alone, as the ``db`` store does.
Used only with a cache shared by every app server (REDIS_URL): a cache in each
process's memory would keep a session another server has ended.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

logger = logging.getLogger(__name__)

CACHE_SECONDS = 120


class SessionStore(CachedDBStore):
    def _cache_seconds(self, **kwargs) -> int:
        return min(self.get_expiry_age(**kwargs), CACHE_SECONDS)

    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            logger.exception("session cache unreadable")
            data = None
        if data is not None:
            return data
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        try:
            self._cache.set(self.cache_key, data, self._cache_seconds(expiry=row.expire_date))
        except Exception:
            logger.exception("session cache unwritable")
        return data

    def exists(self, session_key) -> bool:
        if not session_key:
            return False
        try:
            if (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:
            logger.exception("session cache unreadable")
        return super(CachedDBStore, self).exists(session_key)

    def save(self, must_create=False):
        super(CachedDBStore, self).save(must_create)  # the row: the database store's
        try:
            self._cache.set(self.cache_key, self._session, self._cache_seconds())
        except Exception:
            logger.exception("session cache unwritable")
            forget(self.session_key)

    def delete(self, session_key=None):
        key = session_key or self.session_key
        super(CachedDBStore, self).delete(session_key)  # the row: the database store's
        if key is None:
            return
        forget(key)


def forget(session_key: str) -> None:
    """Take a session out of the shared cache (its row is deleted by the caller)."""
    from django.conf import settings
    from django.core.cache import caches

    try:
        caches[settings.SESSION_CACHE_ALIAS].delete(SessionStore.cache_key_prefix + session_key)
    except Exception:
        logger.exception("session cache unwritable: an ended session may be found there")
