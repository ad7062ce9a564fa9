"""Telling the colleague who was asked. Nothing about the patient: a sentence and a link.

An outbox row per colleague (tessera.notifications), written in the request's
transaction: sent once after it commits, retried with backoff if the mail server
refuses, and shown to the clinic's managers if it fails for good (docs/decisions/0029)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from tessera.notifications import texts
from tessera.notifications.delivery import notify

KIND = "consultation_requested"


def consultation_requested(request, recipients, link_base: str = "") -> int:
    """Queue one e-mail to each colleague asked; returns how many rows were written."""
    link = reverse("consultation_detail", args=[request.pk])
    written = 0
    for user in recipients:
        written += len(
            notify(
                user,
                KIND,
                key=f"{KIND}:{request.pk}:{user.pk}",
                link=link,
                channels={"email"},
                params={"base": link_base},
            )
        )
    return written


@texts.register(KIND, gettext_lazy("Tessera: a colleague has asked for your view"))
def _text(row, language: str) -> tuple[str, str]:
    with override(language):
        return (
            _("Tessera: a colleague has asked for your view"),
            _("A colleague has asked for your view on a case. Sign in to read it:\n\n%(link)s")
            % {"link": texts.site_link(row, row.link)},
        )
