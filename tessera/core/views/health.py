"""The health check for load balancers."""

import logging

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .. import jobs

logger = logging.getLogger("tessera.health")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers; says nothing about data. It also
    reports the automation sweep ("ok", "late", "failing", "never"; ``tessera.core.jobs``):
    the status is "degraded" (still HTTP 200, the site itself works) while it is not ok,
    for the monitoring to alert on."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    sweep = jobs.status(jobs.SWEEP)
    body = {"status": "ok" if sweep.healthy else "degraded", "database": "ok", "sweep": sweep.state}
    if sweep.last_ok_at is not None:
        body["sweep_last_ok"] = sweep.last_ok_at.isoformat(timespec="seconds")
    if not sweep.healthy:
        # Risk alerts are escalated by the sweep: a late one must reach the monitoring.
        logger.error("healthz.sweep state=%s", sweep.state)
    return JsonResponse(body)
