"""Sign-in glue for django-allauth."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts are created by intake (self-referral) or by staff; open sign-up is
        # off unless a deployment switches it on.
        return settings.TESSERA_OPEN_SIGNUP
