"""Error pages in the site's own layout, translated, with no details leaked."""

import re
import sys
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import Resolver404, resolve, reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from tessera.core.refusals import say_refused
from tessera.core.sent_forms import sent_by_a_script, sent_from_a_page, typed_in_a_form, typed_text

DENIED_EVERY_SECONDS = 60  # one row per user and URL a minute keeps the trail readable


def _record_denied(request, status: int) -> None:
    """A signed-in person refused a page (403, or 404 for what they may not see)."""
    from tessera.core import audit

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    if cache.add(f"tessera:denied:{user.pk}:{request.path}", 1, DENIED_EVERY_SECONDS):
        audit.record(
            "security.access_denied",
            actor=user,
            purpose="administration",
            changes={"status": status, "path": request.path[:200], "method": request.method},
        )


def forbidden(request, exception=None):
    """Refused. A former staff member signed in with neither a role nor a patient record
    (their last role was removed while they were signed in) is told so, not only "not
    allowed" (an applicant, who never held a role, is not told about roles); and a form
    sent from one of our pages shows back what was typed into it, to copy (it was lost
    on a bare 403)."""
    from tessera.core.models import AuditEvent

    _record_denied(request, 403)
    user = request.user
    context = {
        "no_role": user.is_authenticated
        and not user.is_staff_member
        and user.patient_record is None
        and AuditEvent.objects.acted_with_a_role(user.pk),
        "typed": typed_in_a_form(request),
    }
    context["signed_in_as"] = None if context["no_role"] else _signed_in_as(request)
    return render(request, "errors/403.html", context, status=403)


def csrf_failure(request, reason=""):
    """A form whose page was drawn before the person last signed in (signed out and in
    again in another tab, or after an idle sign-out there) carries a token that is no
    longer theirs. From one of our own pages, not an htmx request: back to that page,
    where idle.js puts back what was typed, saying why nothing was sent (Django's own
    answer was an English page about forgery, and the text was lost). Anything else
    (another site's form, a request that did not come from a page here) is refused."""
    from tessera.core.middleware import restoring_typed_text, return_address

    if sent_by_a_script(request) and request.method == "POST":
        # A draft's or a worksheet's autosave from such a page: a line for its status
        # (errors.js swaps a 409 into a role="status" target; worksheet.js shows it),
        # where it was silently not saved.
        text = _("This page was opened before you last signed in, so this was not saved.")
        again = _("Open the page again.")
        return HttpResponse(escape(f"{text} {again}"), status=409)
    if not sent_from_a_page(request):
        return render(request, "errors/403_csrf.html", status=403)
    say_refused(
        request, _("This page was opened before you last signed in, so the form was not sent.")
    )
    return restoring_typed_text(redirect(return_address(request)))


def _list_of(path: str) -> str:
    """The list a thing's own page belongs to: its address up to the thing's id (the
    last number in it), "/feedback/templates/5/delete/" → "/feedback/templates/", or the
    nearest page here above that (one that opens with a GET); home when there is none."""
    parts = path.strip("/").split("/")
    ids = [i for i, part in enumerate(parts) if part.isdigit()]
    for end in range(ids[-1], 0, -1) if ids else ():
        parent = "/" + "/".join(parts[:end]) + "/"
        try:
            match = resolve(parent)
        except Resolver404:
            continue  # "/clinics/riverside/roles/": no list of its own; the clinic's page
        if not _answers_get(match.func):
            continue  # "/research/1/staff/": where a member is added (POST); the study
        return parent
    return reverse("home")


def _answers_get(view) -> bool:
    """Whether a view opens as a page: not one Django's ``require_POST`` (or another
    ``require_http_methods`` without GET) wraps, which answers a GET with 405."""
    while view is not None:
        code, closure = getattr(view, "__code__", None), getattr(view, "__closure__", None)
        if code is not None and closure and "request_method_list" in code.co_freevars:
            methods = closure[code.co_freevars.index("request_method_list")].cell_contents
            if "GET" not in methods:
                return False
        view = getattr(view, "__wrapped__", None)
    return True


def not_found(request, exception=None):
    """A form whose object is gone (a second click on "Remove", back and send again, or
    a page left open while someone else removed the thing, or the course ended) is sent
    back to the page it came from (its list, when that page was about the thing itself),
    which shows things as they are now, with a word
    (it was a bare "Page not found" after the first click had done its work). The page
    is one the person had open, so nothing is told about the object. When the form
    carried text the person wrote (a note, a message), that text is shown back to copy
    instead, with the page that says their access ended where it did.

    A removal sent again of a thing the person was allowed to remove (``REMOVALS``: its
    removal is in the trail, theirs or made where they may make it) says it was already
    removed, and is no access denied: only a thing never theirs is."""
    sent = sent_from_a_page(request)
    if _already_removed(request):
        return _said_already_removed(request, sent)
    _record_denied(request, 404)
    typed = typed_text(request) if sent else []
    why = _why_closed(request) if typed or not sent else None
    # A removal sent again (a second click, back and send): its reason did its work the
    # first time, so the answer is the page with a word, as for any other removal;
    # unless the person may no longer open the page they came from.
    a_removal = bool(REMOVAL.search(request.path)) and why is None
    if typed and not a_removal:
        # A note, a message, a comment typed into a form whose patient or thing is gone
        # (the care moved to a colleague, a consultation ended, the thing was removed):
        # going back to the page would drop the text, and the page itself may answer
        # "no longer open to you". Shown here to copy instead; nothing was saved.
        from tessera.core.middleware import return_address

        context = _closed_context(why, typed=typed)
        if why is None:
            back = return_address(request)
            context["back"] = (
                back if urlsplit(back).path != request.path else _list_of(request.path)
            )
        return render(request, "errors/404.html", context, status=404)
    if sent:
        from tessera.core.middleware import return_address

        messages.error(
            request,
            _(
                "Nothing was changed: what this form was about is no longer there (it was "
                "already removed, or changed elsewhere). The page shows how things are now."
            ),
        )
        back = return_address(request)
        # A page that posts to itself (a confirmation page) is about the gone thing too:
        # its list, then.
        return redirect(back if urlsplit(back).path != request.path else _list_of(request.path))
    context = _closed_context(why, signed_in_as=None if why else _signed_in_as(request))
    return render(request, "errors/404.html", context, status=404)


def _signed_in_as(request) -> str | None:
    """The signed-in account's address, for a link opened (a GET) that this account may
    not open: it may have been sent to another account (a shared computer, a second
    address), so the page says whose session this is and offers to sign out and open the
    link again (decision 0148, as 0103 and 0111 do for invitations and password links).
    The header shows the address anyway; nothing of the link's own account is said."""
    user = getattr(request, "user", None)
    if request.method != "GET" or user is None or not user.is_authenticated:
        return None
    return user.email


def _said_already_removed(request, sent: bool):
    """The page the form came from, or without one (no referer: the page opened afresh,
    a browser or privacy setting that strips it) the thing's list, saying nothing was
    changed (it was a bare "Page not found" when no page was named). A script's request
    gets the words and the way back on a page of their own: it would follow a redirect
    unseen."""
    from tessera.core.middleware import return_address

    said = _("Nothing was changed: this was already removed.")
    back = return_address(request) if sent else _list_of(request.path)
    if urlsplit(back).path == request.path:
        back = _list_of(request.path)
    if sent_by_a_script(request):
        context = _closed_context(None, already_removed=said, back=back)
        return render(request, "errors/404.html", context, status=404)
    say_refused(request, said)
    return redirect(back)


REMOVAL = re.compile(r"/(remove|delete)/$")
# Each "Remove" whose thing is deleted: its URL's name, and what the trail records of a
# removal (the event, the model, the URL's argument holding its id).
REMOVALS = {
    "staff_role_remove": ("staff.role_removed", "ClinicRole", "role_id"),
    "clinic_crisis_contact_remove": (
        "clinic.crisis_contact_removed",
        "CrisisContact",
        "contact_id",
    ),
    "clinic_on_call_remove": ("clinic.on_call_shift_removed", "OnCallShift", "shift_id"),
    "clinic_measure_remove": ("clinic.measure_removed", "MeasureRule", "rule_id"),
    "feedback_template_delete": ("feedback_template.deleted", "FeedbackTemplate", "pk"),
    "library_step_delete": ("module.step_removed", "Step", "pk"),
    "study_member_remove": ("study.member_removed", "StudyMember", "member_id"),
    "staff_leave_remove": ("staff.leave_removed", "StaffLeave", "leave_id"),
}


def _already_removed(request) -> bool:
    """A removal sent again: the thing's removal is in the trail, and the person may be
    told so (``access.may_know_removed_q``)."""
    from tessera.core import access
    from tessera.core.models import AuditEvent

    user = getattr(request, "user", None)
    if request.method != "POST" or user is None or not user.is_authenticated:
        return False
    try:
        match = resolve(request.path)
    except Resolver404:
        return False
    if match.url_name not in REMOVALS:
        return False
    action, object_type, argument = REMOVALS[match.url_name]
    removed = AuditEvent.objects.removal_of(action, object_type, match.kwargs[argument])
    return removed.filter(access.may_know_removed_q(user, action)).exists()


def _closed_context(why: str | None, **context) -> dict:
    return {"access_ended": why == ENDED, "role_removed": why == ROLE_REMOVED, **context}


def _patient_in_path(path: str) -> int | None:
    """The patient a staff page is about, from its address: "/patients/<id>/…", or an
    episode's id ("…/episodes/<id>/…", e.g. the episode's time page, or a route's
    ``episode_id``). Only for an address that is one of ours."""
    from tessera.core.models import Episode

    try:
        kwargs = resolve(path).kwargs
    except Resolver404:
        return None
    if patient := re.match(r"/patients/(\d+)/", path):
        return int(patient.group(1))
    episode_id = kwargs.get("episode_id")
    if not isinstance(episode_id, int):
        episode = re.search(r"/episodes/(\d+)/", path)
        if episode is None:
            return None
        episode_id = int(episode.group(1))
    return Episode.objects.filter(pk=episode_id).values_list("patient_id", flat=True).first()


ENDED, ROLE_REMOVED = "ended", "role_removed"


def _why_closed(request) -> str | None:
    """Why a staff member's page about a patient is refused (a page left open, a
    bookmark, a link in a notice), said only when they had seen this record before, in
    their own trail: it tells them nothing they did not know. ``ENDED``: the patient is
    no longer theirs to see (the care handed to a colleague, a consultation ended, a
    role removed). ``ROLE_REMOVED``: the patient still is (a role they keep sees the
    clinic's patients), but a role they last worked with this patient under was removed
    since, and the page was that role's (a therapist's supervision or end-of-course
    page, for someone whose intake role remains). None for anything else (a removed
    thing, a wrong link): a plain 404, and for an id never seen the existence of a
    record is not revealed."""
    from tessera.core import access
    from tessera.core.models import AuditEvent, Patient

    user = getattr(request, "user", None)
    if request.method not in ("GET", "POST") or user is None or not user.is_authenticated:
        return None
    if not getattr(user, "is_staff_member", False) and user.patient_record is not None:
        return None  # a patient (a former staff member, their last role removed, is not)
    patient_id = _patient_in_path(request.path)
    if patient_id is None:
        return None
    acted_as = AuditEvent.objects.roles_on_patient(user.pk, patient_id)
    if not acted_as and not AuditEvent.objects.acted_on_patient(user.pk, patient_id):
        return None
    if not Patient.objects.visible_to(user).filter(pk=patient_id).exists():
        return ENDED
    for roles, clinic_id in acted_as:
        had = set(roles.split(",")) - {"", "patient"}
        if had - set(access.roles_at(user, clinic_id)):
            return ROLE_REMOVED
    return None  # still theirs, with every role they had: the page is gone (removed)


# allauth's own limits (sign-up, password reset, e-mail confirmation, sign-in attempts per
# address; docs/security.md) answer through handler429. They count per minute or a few
# minutes, and allauth does not say how long is left: a minute is what we can promise.
ALLAUTH_RETRY_AFTER_SECONDS = 60


def too_many_requests(request, exception=None):
    from tessera.core.ratelimits import too_many_requests as page

    return page(request, ALLAUTH_RETRY_AFTER_SECONDS, name="allauth")


# A database that has gone away (restarting, failing over, a dropped connection) is a
# moment's unavailability, not a fault of the page: answer 503 with Retry-After. The
# request's transaction did not commit, so nothing it sent was half-written; Django drops
# the broken connection at the end of the request, so the next request connects afresh.
RETRY_AFTER_SECONDS = 10


def _database_unavailable() -> bool:
    error = sys.exc_info()[1]
    while error is not None:
        if isinstance(error, (OperationalError, InterfaceError)):
            return True
        error = error.__cause__ or error.__context__
    return False


def server_error(request):
    # Rendered without the request context: the database may be the reason we are here.
    if _database_unavailable():
        response = HttpResponse(loader.get_template("errors/503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
