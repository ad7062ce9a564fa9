"""allauth's e-mail confirmation page, with one change (decision 0103)."""

from __future__ import annotations

from allauth.account.views import ConfirmEmailView as AllauthConfirmEmailView
from django.http import Http404, HttpResponse


class ConfirmEmailView(AllauthConfirmEmailView):
    """A confirmation sent again after its link was used or went too old (a second
    click, an old tab) answers the page that says the link no longer works and offers
    sign-in, as opening the link does: not a bare "Page not found"."""

    def post(self, *args, **kwargs) -> HttpResponse:
        try:
            self.get_object()
        except Http404:
            return self.get(*args, **kwargs)
        return super().post(*args, **kwargs)


confirm_email = ConfirmEmailView.as_view()
