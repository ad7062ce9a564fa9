"""The footer's language switcher: Django's, which also stores a signed-in person's choice."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views import i18n
from django.views.decorators.http import require_POST

from .. import actions, languages


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Sets the cookie as Django does; for a signed-in person also their stored language
    (a patient's record, which e-mails and SMS follow) and their session, so the choice
    holds on every device at the next sign-in."""
    language = languages.supported(request.POST.get("language"))
    if language and request.user.is_authenticated:
        actions.do_set_language(request.user, language, acting_user=request.user)
        request.session[languages.LANGUAGE_SESSION_KEY] = language
    return i18n.set_language(request)
