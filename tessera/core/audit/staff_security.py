"""The staff's security events filed under their clinics: what racing writes miss, filed
by the periodic sweep (decision 0091, dated section of 2026-12-06).

core 0030's triggers file a security event under every clinic where its actor holds a
role, and a role granted (or moved) files its person's events under its clinic. Under
READ COMMITTED an event recorded while a role of its actor is being granted, neither
committed, is missed by both: the event's trigger does not see the new role, the role's
trigger does not see the new event. ``file_recent`` files those: the security events
of the last ``WINDOW`` whose actor holds a role at a clinic they are not filed under
yet. One statement: the window of the trail's ``at`` index (the range the burst check
reads in the same sweep), each actor's roles by their index, each pair looked up in the
copy's unique index; only the missing rows are inserted (``ON CONFLICT DO NOTHING``:
running it twice, or from two workers, files nothing twice).

The writers wait for no lock. On PostgreSQL the event's trigger (core 0032) and this
statement read the actor's roles ``FOR KEY SHARE SKIP LOCKED``: an event is not filed
under a clinic whose role of its actor another transaction is removing, and a removal
that comes after a filing waits for it and then takes the rows away. The sweep's statement
may wait for a row that another transaction is inserting too (a role granted to the
same person at the same clinic at that moment); it waits at most ``LOCK_WAIT``, well
under PostgreSQL's ``deadlock_timeout`` (1 s), so in a cycle of waits it is the one that
gives up, never the person's write: it then files nothing this time, and the next
sweep files the rows (they are still in its window).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import OperationalError, connection, transaction

logger = logging.getLogger("tessera.audit")

# The sweep runs every five minutes (late after ten, ``jobs.max_age``): an event is in
# the window of at least two runs even if its transaction committed minutes after it
# was recorded.
WINDOW = dt.timedelta(minutes=15)
LOCK_WAIT = "100ms"

# (``%%`` in LIKE: the statement goes through the driver's formatting.) On PostgreSQL
# the actor's roles are read ``FOR KEY SHARE SKIP LOCKED``, as the event's trigger reads
# them (core 0032): a role another transaction is removing is skipped, so the sweep does
# not file an event under a clinic its actor is leaving; one it files under stays
# locked until the sweep commits, so a removal after it takes the rows away.
_FILE_RECENT = """INSERT INTO core_staffsecurityevent
        (clinic_id, event_id, at, actor_id, action, ip_address)
    SELECT DISTINCT r.clinic_id, e.id, e.at, e.actor_id, e.action, e.ip_address
      FROM core_auditevent e JOIN {roles}
     WHERE e.at >= %s AND e.actor_id IS NOT NULL
       AND (e.action LIKE 'security.%%' OR e.action LIKE 'auth.%%')
       AND NOT EXISTS (SELECT 1 FROM core_staffsecurityevent s
                        WHERE s.clinic_id = r.clinic_id AND s.event_id = e.id)
    ON CONFLICT DO NOTHING"""
_ROLES = {
    "postgresql": """LATERAL (SELECT clinic_id FROM core_clinicrole WHERE user_id = e.actor_id
                      FOR KEY SHARE SKIP LOCKED) r ON true""",
    "sqlite": "core_clinicrole r ON r.user_id = e.actor_id",
}


def file_recent(now: dt.datetime) -> int:
    """File the security events of the last ``WINDOW`` that are missing under a clinic
    where their actor holds a role; how many rows were filed (0 almost always)."""
    postgresql = connection.vendor == "postgresql"
    # Inside a caller's transaction the setting would outlast this statement: the
    # caller's is put back after it (a wait that gives up rolls it back with the rest).
    nested = postgresql and connection.in_atomic_block
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if nested:
                cursor.execute("SELECT current_setting('lock_timeout')")
                before = cursor.fetchone()[0]
            if postgresql:
                cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
            sql = _FILE_RECENT.format(roles=_ROLES[connection.vendor])
            cursor.execute(sql, [now - WINDOW])
            filed = max(cursor.rowcount, 0)
            if nested:
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [before])
    except OperationalError:  # lock_timeout: another write is filing the same rows
        logger.info("audit.staff_security.gave_way")
        return 0
    if filed:
        logger.warning("audit.staff_security.filed rows=%s", filed)
    return filed
