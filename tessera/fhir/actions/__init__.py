"""Writes of the fhir app (audited actions). Receiving referrals is in
``tessera.fhir.intake_referrals``."""

from .clients import do_register_system_client, do_revoke_system_client
from .endpoints import do_register_record_endpoint
from .referrers import do_issue_referrer_token, do_revoke_referrer_token
from .sharing import do_set_record_sharing

__all__ = [
    "do_issue_referrer_token",
    "do_register_record_endpoint",
    "do_register_system_client",
    "do_revoke_referrer_token",
    "do_revoke_system_client",
    "do_set_record_sharing",
]
