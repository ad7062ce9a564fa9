"""Titles in the house style for allauth's pages (issue 17, WCAG 2.4.2).

allauth's own templates title their pages "Signup", "Password Reset" and so on. Its
layout (templates/allauth/layouts/base.html) replaces the page's whole ``<title>`` with
the title here for the page's URL name, and keeps allauth's for a page not listed.
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

TITLES = {
    "account_login": _("Sign in"),
    "account_logout": _("Sign out"),
    "account_signup": _("Create an account"),
    "account_reauthenticate": _("Confirm it is you"),
    "mfa_reauthenticate": _("Confirm it is you"),
    "account_email": _("E-mail addresses"),
    "account_email_verification_sent": _("Check your e-mail"),
    "account_confirm_email": _("Confirm your e-mail address"),
    "account_change_password": _("Change your password"),
    "account_set_password": _("Set a password"),
    "account_reset_password": _("Reset your password"),
    "account_reset_password_done": _("Reset your password"),
    "account_reset_password_from_key": _("Reset your password"),
    "account_reset_password_from_key_done": _("Reset your password"),
    "mfa_index": _("Second factor"),
    "mfa_authenticate": _("Second factor"),
    "mfa_activate_totp": _("Set up an authenticator app"),
    "mfa_deactivate_totp": _("Second factor"),
    "mfa_view_recovery_codes": _("Recovery codes"),
    "mfa_generate_recovery_codes": _("Recovery codes"),
}


@register.simple_tag(takes_context=True)
def account_page_title(context) -> str:
    """The house-style title of the allauth page being shown, or "" when there is none."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    title = TITLES.get(getattr(match, "url_name", None) or "")
    return str(title) if title else ""
