"""E-mail to the colleague who was asked. Nothing about the patient: a sentence and a
link. One function, to be swapped for the notifications app when it lands."""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


def consultation_requested(request, recipients, link_base: str = "") -> None:
    link = f"{link_base}{reverse('consultation_detail', args=[request.pk])}"
    for user in recipients:
        if not user.email:
            continue
        subject = _("Tessera: a colleague has asked for your view")
        body = _(
            "A colleague has asked for your view on a case. Sign in to read it:\n\n%(link)s"
        ) % {"link": link}
        try:
            send_mail(subject, body, None, [user.email])
        except Exception:  # a failed e-mail must not undo the request
            log.warning("consultation.notify_failed request=%s user=%s", request.pk, user.pk)
