"""Titles in the house style for allauth's pages (issue 17, WCAG 2.4.2).

allauth's own templates title their pages "Signup", "Password Reset" and so on. Its
layout (templates/allauth/layouts/base.html) replaces the page's whole ``<title>`` with
the title here for the page's URL name, and keeps the page's own for a page not listed.
The pages Tessera words itself (templates/account/: sign-in, sign-up, sign-out, password
reset and e-mail confirmation) set their own ``head_title``, the same as their heading,
and are not listed here.
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

TITLES = {
    "account_reauthenticate": _("Confirm it is you"),
    "mfa_reauthenticate": _("Confirm it is you"),
    "account_email": _("E-mail addresses"),
    "account_change_password": _("Change your password"),
    "account_set_password": _("Set a password"),
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
