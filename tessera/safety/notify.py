"""Telling staff that an alert needs them. The e-mail says only that there is a risk
alert to look at, and links to it: no name, no answer, no score."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


def tell_staff(users, alert, *, escalated: bool) -> None:
    link = settings.TESSERA_SITE_URL.rstrip("/") + reverse("risk_alert", args=[alert.pk])
    for user in users:
        with translation.override(settings.LANGUAGE_CODE):
            subject = (
                _("Tessera: a risk alert has been passed on to you")
                if escalated
                else _("Tessera: a risk alert needs acknowledging")
            )
            body = _(
                "A risk alert at your clinic needs to be acknowledged. "
                "Sign in to read it:\n\n%(link)s\n"
            ) % {"link": link}
        try:
            send_mail(subject, body, None, [user.email])
        except OSError:  # the alert stays open and escalates; the failure is logged
            log.exception("risk alert %s: e-mail to user %s failed", alert.pk, user.pk)
