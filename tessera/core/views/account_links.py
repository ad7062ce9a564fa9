"""allauth's e-mail confirmation and password-link pages, as allauth's with two changes:
another account signed in is asked to sign out, not signed out (decision 0111), and a
confirmation sent again answers its page (decision 0103). Also allauth's page asking for a
code by e-mail before a change of sign-in, with its field labelled in the reader's
language (decision 0122)."""

from __future__ import annotations

from allauth.account.forms import RequestReauthenticationCodeForm as AllauthCodeForm
from allauth.account.views import ConfirmEmailView as AllauthConfirmEmailView
from allauth.account.views import PasswordResetFromKeyView as AllauthPasswordResetFromKeyView
from allauth.account.views import RequestReauthenticationCodeView as AllauthRequestCodeView
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _


class _AnotherAccountSignedIn(Exception):
    """Raised where allauth would sign out, without asking, an account other than the
    one the link is for."""


class _AskBeforeSigningOut:
    """allauth signs out whoever is signed in when a password or confirmation link of
    another account is opened: a colleague's session on a shared computer, and any work
    open in its other tabs, gone without a word. Here the page says whose session it is
    and offers "Sign out and go on", back to the same link (decision 0111). Nothing of
    the account the link is for is shown."""

    def logout(self) -> None:
        raise _AnotherAccountSignedIn

    def another_account(self, link: str) -> HttpResponse:
        return render(
            self.request,
            "account/another_account.html",
            {"here": link},
        )


class ConfirmEmailView(_AskBeforeSigningOut, AllauthConfirmEmailView):
    """Also: a confirmation sent again after its link was used or went too old (a second
    click, an old tab) answers the page that says the link no longer works and offers
    sign-in, as opening the link does: not a bare "Page not found" (decision 0103)."""

    def _link(self) -> str:
        return reverse("account_confirm_email", args=[self.kwargs["key"]])

    def get(self, *args, **kwargs) -> HttpResponse:
        try:
            return super().get(*args, **kwargs)
        except _AnotherAccountSignedIn:
            return self.another_account(self._link())

    def post(self, *args, **kwargs) -> HttpResponse:
        try:
            confirmation = self.get_object()
        except Http404:
            return self.get(*args, **kwargs)
        user = self.request.user
        if user.is_authenticated and user.pk != confirmation.email_address.user_id:
            # allauth confirms first and signs the other account out after.
            return self.another_account(self._link())
        return super().post(*args, **kwargs)


class PasswordResetFromKeyView(_AskBeforeSigningOut, AllauthPasswordResetFromKeyView):
    def dispatch(self, request, uidb36, key, **kwargs) -> HttpResponse:
        try:
            return super().dispatch(request, uidb36, key, **kwargs)
        except _AnotherAccountSignedIn:
            # The link's own key (allauth keeps it in the session and shows the form at
            # a URL without it): signed out, the link opens the form again.
            link = reverse(
                "account_reset_password_from_key", kwargs={"uidb36": uidb36, "key": self.key}
            )
            return self.another_account(link)


class RequestReauthenticationCodeForm(AllauthCodeForm):
    """allauth's field has no label of its own: Django named it from the field, an
    English "Recipient" on the page in every language."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].label = _("Send the code to")


class RequestReauthenticationCodeView(AllauthRequestCodeView):
    form_class = RequestReauthenticationCodeForm


confirm_email = ConfirmEmailView.as_view()
request_reauthentication_code = RequestReauthenticationCodeView.as_view()
password_reset_from_key = PasswordResetFromKeyView.as_view()
