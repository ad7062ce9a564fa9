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

from .models import ConsultationRequest

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
                params={"base": link_base, "request": request.pk},
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


@texts.register_still_wanted(KIND, "consultation_answered")
def _still_open(row) -> bool:
    """A notice of a consultation that was ended, or expired, before it went is withdrawn
    (decision 0105): its link would open a request nobody can answer any more."""
    if "request" not in row.params:
        return True
    return ConsultationRequest.objects.live().filter(pk=row.params["request"]).exists()
