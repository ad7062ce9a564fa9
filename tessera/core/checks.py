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
