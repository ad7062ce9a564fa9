"""Searching the audit trail: clinic managers, for their own clinics."""

import datetime as dt
import re
from functools import partial

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from .. import access, audit, identity, searches
from ..decorators import staff_required
from ..forms import AuditSearchForm
from ..id_lists import among_ids
from ..models import AuditEvent, Episode, Patient
from ..models.audit import security_staff, with_actors, with_patient_names
from ..pagination import CappedPaginator, OneReadPaginator


def _start_of(day: dt.date) -> dt.datetime:
    """The first moment of a day in the current time zone: a range over ``at`` uses the
    index on (clinic, at), where ``at__date`` would compute a date from every row."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def matching_patients(clinic_ids, text: str) -> list[int]:
    """Patients of these clinics whose identity number is ``text`` (with or without its
    separators), or whose first and last names hold every word of it.

    Read from the clinics' episode entries, which carry the patient's name (index
    ``episode_clinic_patient``), and the identity number's own index: the same pages at
    any size of the country. Joined to each patient row, the clinic's patients were one
    descent of the patients' key each, a level deeper as the country grew (issue 16:
    344 → 1,072 pages at 1,000 → 100,000 patients)."""
    compact = re.sub(r"[\s-]", "", text)
    by_name = Q()
    for word in text.split():
        by_name &= Q(patient_first_name__icontains=word) | Q(patient_last_name__icontains=word)
    numbers = sorted({number for number in (text.strip(), compact) if number})
    numbered = Patient.objects.filter(national_id__in=numbers).values("pk")
    found = (
        Episode.objects.filter(clinic_id__in=list(clinic_ids))
        .filter(Q(patient_id__in=numbered) | by_name)
        .order_by()
        .values_list("patient_id", flat=True)
    )
    return sorted(set(found))


# A patient's name or identity number, and a staff member's address, are kept out of the
# address bar; the other fields (dates, event codes, a patient's number) stay in it.
_WORDS = ["who", "actor"]
_OTHERS = ["patient", "event", "action", "date_from", "date_to"]


@staff_required
@require_http_methods(["GET", "POST"])
def audit_search(request: HttpRequest) -> HttpResponse:
    clinic_ids = access.audit_clinic_ids(request.user)
    if not clinic_ids:
        raise PermissionDenied
    if request.method == "POST":
        return searches.redirect_to_search(request, words=_WORDS, others=_OTHERS)
    params, search_lost = searches.searched(request, _WORDS)
    form = AuditSearchForm(params or None)
    events = AuditEvent.objects.newest_first(clinic_ids)
    found = []
    if form.is_valid():
        data = form.cleaned_data
        if data["patient"]:
            events = AuditEvent.objects.of_patient_newest_first(clinic_ids, data["patient"])
        if data["who"]:
            found = matching_patients(clinic_ids, data["who"])
            # The patients only filter the clinic's range of ``audit_clinic_newest``
            # (``among_ids``): left to the planner, the patients' own entries were
            # ANDed with the clinic's and every event read from the table, one page
            # each (50 patients named Larsson at 100,000 patients: 328 → 3,577 pages
            # once the statistics changed; issue 16, decision 0083).
            events = events.filter(among_ids("patient_id", found))
        if data["actor"]:
            events = events.filter(actor__email__icontains=data["actor"])
        if data["event"]:
            events = events.filter(action=data["event"])
        if data["action"]:
            events = events.filter(action__startswith=data["action"])
        if data["date_from"]:
            events = events.filter(at__gte=_start_of(data["date_from"]))
        if data["date_to"]:
            events = events.filter(at__lt=_start_of(data["date_to"] + dt.timedelta(days=1)))
    # The count and the page's rows are both read from the clinic's index
    # ``audit_clinic_newest`` alone: it holds the filters' columns and every column shown.
    # Then the page's actors, each once, and its patients' names (issue 16).
    page = CappedPaginator(events.as_listed(), 50).get_page(params.get("page"))
    page.object_list = with_patient_names(page.object_list, clinic_ids)
    searched = dict(params)
    if "who" in searched:
        # A name or identity number is not copied into the trail: which patients it found is.
        searched["who"] = "given"
        searched["patients_found"] = found
    audit.record("audit.searched", actor=request.user, purpose="audit", changes=searched)
    return render(
        request,
        "core/audit_search.html",
        {"form": form, "page": page, "search_lost": search_lost},
    )


@staff_required
def security_events(request: HttpRequest) -> HttpResponse:
    """Recent security events of the manager's clinics (or the region administrator's
    region): failed sign-ins and codes, lockouts, refused pages, FHIR token failures
    (docs/security.md)."""
    clinic_ids = access.security_event_clinic_ids(request.user)
    if not clinic_ids:
        raise PermissionDenied
    staff = security_staff(clinic_ids)
    events = AuditEvent.objects.security_events_for_clinics(clinic_ids)
    # The page and its count in one read (decision 0108).
    read = partial(AuditEvent.objects.security_events_page, clinic_ids)
    page = OneReadPaginator(events, 50, read=read).get_page(request.GET.get("page"))
    page.object_list = with_actors(page.object_list, staff)
    audit.record("audit.security_events_viewed", actor=request.user, purpose="audit")
    # Say whose events these are: one clinic's for a manager, a region's for its
    # administrator (the page said "your clinic" to both).
    # The clinics by name (``identity.clinics_by_name``): one read of their names, none
    # when the person's role clinics are kept with them.
    clinics = ", ".join(c.name for c in identity.clinics_by_name(request.user, clinic_ids))
    return render(request, "core/security_events.html", {"page": page, "clinics": clinics})
