"""System checks that stop an unsafe production configuration."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def production_settings(app_configs, **kwargs):
    errors = []
    if settings.DEMO:
        errors.append(
            checks.Error(
                "Demo mode is on (TESSERA_DEBUG or TESSERA_DEMO).",
                hint="Unset both in production: demo data and printed logins are for demos.",
                id="tessera.E001",
            )
        )
    if not settings.HTTPS:
        errors.append(
            checks.Error(
                "TESSERA_HTTPS is not set.",
                hint="Production runs behind HTTPS; set TESSERA_HTTPS=1.",
                id="tessera.E002",
            )
        )
    from tessera.settings import _INSECURE_KEY  # the settings module: read, never imported by apps

    if settings.SECRET_KEY == _INSECURE_KEY or len(settings.SECRET_KEY) < 50:
        # The key signs invitation links and sessions: the public demo key lets anyone
        # forge an invitation to any referral.
        errors.append(
            checks.Error(
                "The secret key is the public development key, or shorter than 50 characters.",
                hint="Set TESSERA_SECRET_KEY to 50 or more random characters.",
                id="tessera.E003",
            )
        )
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        errors.append(
            checks.Warning(
                "Production is running on SQLite.",
                hint="Set DATABASE_URL to a PostgreSQL database.",
                id="tessera.W001",
            )
        )
    return errors


@checks.register("tessera_safety", deploy=True)
def on_call_cover(app_configs, **kwargs):
    """Every clinic's on-call cover for risk alerts (``tessera.core.on_call.problems``):
    an error where an alert would reach nobody at some hour of the week, or where a
    clinic with unguided care has no one on call in its working hours."""
    from django.db import DatabaseError

    from . import on_call
    from .models import Clinic

    messages = []
    try:
        clinics = list(Clinic.objects.order_by("slug"))
        for clinic in clinics:
            for problem in on_call.problems(clinic):
                kind = checks.Error if problem.level == on_call.ERROR else checks.Warning
                code = "E010" if problem.level == on_call.ERROR else "W010"
                messages.append(
                    kind(
                        f"{clinic.name} ({clinic.slug}): {problem.message}",
                        hint="Clinic settings → On-call rota.",
                        obj=clinic,
                        id=f"tessera.{code}",
                    )
                )
    except DatabaseError:  # no database yet (before migrate): nothing to check
        return []
    return messages
