"""One language and one time zone per person (decision 0017).

A signed-in person sees Tessera in their stored language, whatever the browser says: a
patient's is their record's ``preferred_language``, a staff member's ``User.language``
(blank: the browser's, as for a visitor). Both are read once, at sign-in, into the
session; the footer's language switcher changes the stored preference and the session
together (``tessera.core.views.me.set_language``), so e-mails and SMS, which read the
stored preference, follow what the person chose on screen.

Times are shown in the clinic's time zone: for staff, the zone of the clinic they work at
(the first of their clinics, or their region's first clinic); for patients, the clinic
of their newest episode. A clinic that changes its zone is seen in the new zone from the
next sign-in.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.dispatch import Signal
from django.utils import translation

LANGUAGE_SESSION_KEY = "tessera_language"

# Sent inside the transaction that changes a patient's preferred language, with
# ``patient``, ``before``, ``after`` and ``acting_user``: the treatment app moves the
# running plan's modules not yet started to the new language (tessera/treatment/receivers.py).
patient_language_changed = Signal()
TIME_ZONE_SESSION_KEY = "tessera_time_zone"


def supported(code: str | None) -> str | None:
    """The code if it is one of the interface's languages, else None."""
    codes = {known for known, _name in settings.LANGUAGES}
    return code if code in codes else None


def preferred_language(user) -> str | None:
    """The person's stored language, if they have one the interface speaks."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    patient = user.patient_record
    if patient is not None:
        return supported(patient.preferred_language)
    return supported(getattr(user, "language", ""))


def time_zone_of(user) -> str:
    """The zone the person's pages are shown in (see the module's docstring)."""
    from .models import Clinic, Episode

    patient = user.patient_record
    if patient is not None:
        zone = (
            Episode.objects.filter(patient=patient)
            .order_by("-pk")
            .values_list("clinic__time_zone", flat=True)
            .first()
        )
    else:
        zone = (
            Clinic.objects.filter(staff_roles__user=user)
            .order_by("staff_roles__pk")
            .values_list("time_zone", flat=True)
            .first()
        ) or (
            Clinic.objects.filter(region__administrators__user=user)
            .order_by("pk")
            .values_list("time_zone", flat=True)
            .first()
        )
    return zone if zone and _known(zone) else settings.TIME_ZONE


def _known(zone: str) -> bool:
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def remember(request, user) -> None:
    """At sign-in: put the person's language and time zone in their session. The login is
    read afresh: the object signing in may carry a patient record read before a change."""
    session = getattr(request, "session", None)
    if session is None:
        return
    user = type(user).objects.get(pk=user.pk)
    language = preferred_language(user)
    if language:
        session[LANGUAGE_SESSION_KEY] = language
        if hasattr(request, "LANGUAGE_CODE"):
            # The rest of the sign-in request (allauth's "signed in" message, the page
            # it redirects to) speaks the person's language, not the browser's.
            translation.activate(language)
            request.LANGUAGE_CODE = language
    else:
        session.pop(LANGUAGE_SESSION_KEY, None)
    session[TIME_ZONE_SESSION_KEY] = time_zone_of(user)


def content_order(language: str | None, clinic=None) -> list[str]:
    """The languages to look for content in, best first: the reader's own, then the
    clinic's languages in the clinic's order (its fallback order), then English. Content
    shown in any but the first is marked with ``lang`` and a short notice."""
    order = [(language or "")[:2]]
    order += list(getattr(clinic, "languages", None) or [])
    order.append(settings.LANGUAGE_CODE)
    return [code for code in dict.fromkeys(order) if code]


def pick_language(items, language: str | None, clinic=None, *, key=lambda item: item.language):
    """The items in the first language of ``content_order`` that has any, and that
    language; all items and None when none is in any of them."""
    items = list(items)
    for code in content_order(language, clinic):
        found = [item for item in items if key(item) == code]
        if found:
            return found, code
    return items, None
