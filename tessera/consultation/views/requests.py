"""Ask a colleague, the lists of requests, a request's page and its private thread."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tessera.core import audit
from tessera.core.actions import record_patient_read
from tessera.core.decorators import staff_required
from tessera.core.models import AuditEvent, Episode
from tessera.core.refusals import say_refused

from .. import actions
from ..forms import AskForm, CommentForm
from ..models import ConsultationRequest
from .common import add_errors

PAGE_SIZE = 20
COMMENTS_PAGE_SIZE = 50
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
CONSULTATION = AuditEvent.Purpose.CONSULTATION


@staff_required
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = get_object_or_404(
        Episode.objects.visible_to(request.user).select_related("clinic", "patient"),
        pk=episode_id,
    )
    if not actions.sees_by_own_role(request.user, episode):
        raise Http404  # a consulted colleague does not pass the case on
    if episode.status == Episode.Status.ENDED:
        if request.method == "POST":
            return _asked_after_the_end(request, episode)
        # The ask page reloaded (or opened from a bookmark) after the end: it says why
        # nobody can be asked now (it was a Page not found).
        record_patient_read(
            request.user, episode.patient, "episode", obj=episode, clinic=episode.clinic
        )
        return render(request, "consultation/ask.html", {"episode": episode, "ended": True})
    colleagues = actions.colleagues_for(episode, request.user)
    supervisors = [s for s in actions.supervisors_of(episode.clinic_id) if s != request.user]
    form = AskForm(request.POST or None, colleagues=colleagues, has_supervisor=bool(supervisors))
    if request.method == "POST" and form.is_valid():
        colleague, to_supervisors = form.addressee()
        try:
            consultation = actions.do_ask_colleague(
                episode,
                acting_user=request.user,
                colleague=colleague,
                to_supervisors=to_supervisors,
                question=form.cleaned_data["question"],
                draft=form.cleaned_data["draft"],
                hours=form.cleaned_data["hours"],
                submission_key=form.cleaned_data["submission_key"],
                link_base=request.build_absolute_uri("/").rstrip("/"),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if getattr(consultation, "sent_before", False):
                say_refused(request, _("This question was already sent. Nothing was sent twice."))
            else:
                messages.success(request, _("Your question was sent."))
            return redirect("consultation_detail", pk=consultation.pk)
    if request.method == "GET":
        record_patient_read(
            request.user, episode.patient, "episode", obj=episode, clinic=episode.clinic
        )
    return render(request, "consultation/ask.html", {"episode": episode, "form": form})


def _asked_after_the_end(request, episode) -> HttpResponse:
    """A question sent from a page left open while the treatment ended: nothing is sent
    (it answered Page not found, and the question was lost); what was written is shown
    back, to copy."""
    fields = AskForm(colleagues=[], has_supervisor=False).fields
    not_sent = [
        (fields[name].label, request.POST[name].strip()[:5000])
        for name in ("question", "draft")
        if (request.POST.get(name) or "").strip()
    ]
    context = {"episode": episode, "ended": True, "asked": True, "not_sent": not_sent}
    return render(request, "consultation/ask.html", context, status=409)


def _with_new_comments(qs, user, seen_field: str):
    seen = Coalesce(F(seen_field), EPOCH)
    return qs.annotate(
        new_comments=Count(
            "comments",
            filter=Q(comments__created_at__gt=seen) & ~Q(comments__author=user),
        )
    )


def _page(request, qs):
    status = request.GET.get("status", "open")
    now = timezone.now()
    live = Q(ended_at__isnull=True, expires_at__gt=now)
    qs = qs.filter(live) if status == "open" else qs.exclude(live)
    qs = qs.select_related("episode__patient", "episode__clinic", "asker", "colleague")
    return status, Paginator(qs.order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )


def _audit_list(user, page) -> None:
    if page.object_list:
        audit.record(
            "consultation.list_viewed",
            actor=user,
            purpose=CONSULTATION,
            changes={"requests": [r.pk for r in page.object_list]},
        )


@staff_required
def asked_of_me(request: HttpRequest) -> HttpResponse:
    qs = _with_new_comments(
        ConsultationRequest.objects.asked_of(request.user), request.user, "answer_seen_at"
    )
    status, page = _page(request, qs)
    _audit_list(request.user, page)
    return render(
        request,
        "consultation/asked_of_me.html",
        {"page": page, "status": status, "rows": _rows(page, request.user)},
    )


@staff_required
def asked_by_me(request: HttpRequest) -> HttpResponse:
    qs = _with_new_comments(
        ConsultationRequest.objects.asked_by(request.user), request.user, "asker_seen_at"
    )
    status, page = _page(request, qs)
    _audit_list(request.user, page)
    return render(
        request,
        "consultation/asked_by_me.html",
        {"page": page, "status": status, "rows": _rows(page, request.user)},
    )


def _patient_label(consultation, user, now) -> str:
    """The patient's name, except for a colleague whose access has ended."""
    if consultation.asker_id == user.pk or consultation.status_at(now) == "open":
        patient = consultation.episode.patient
        return f"{patient.first_name} {patient.last_name}"
    return _("a patient of %(clinic)s") % {"clinic": consultation.episode.clinic.name}


def _addressee(consultation) -> str:
    if consultation.to_supervisors:
        return _("The clinic's supervisor")
    return consultation.colleague.get_full_name() or consultation.colleague.email


def _rows(page, user) -> list[dict]:
    now = timezone.now()
    return [
        {
            "request": r,
            "patient": _patient_label(r, user, now),
            "asker": r.asker.get_full_name() or r.asker.email,
            "to": _addressee(r),
            "status": r.Status(r.status_at(now)).label,
        }
        for r in page.object_list
    ]


def _visible_request(user, pk: int) -> ConsultationRequest:
    return get_object_or_404(
        ConsultationRequest.objects.visible_to(user).select_related(
            "episode__patient", "episode__clinic", "asker", "colleague"
        ),
        pk=pk,
    )


def _detail(request, consultation, comment_form, *, status=200) -> HttpResponse:
    user = request.user
    comments = consultation.comments.select_related("author").order_by("created_at", "id")
    paginator = Paginator(comments, COMMENTS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page") or paginator.num_pages)
    live = consultation.is_live
    sees_patient = consultation.is_asker(user) or (
        live and Episode.objects.visible_to(user).filter(pk=consultation.episode_id).exists()
    )
    record_patient_read(
        user,
        consultation.episode.patient,
        "consultation",
        obj=consultation,
        purpose=CONSULTATION,
        clinic=consultation.episode.clinic,
    )
    actions.mark_seen(consultation, user)
    return render(
        request,
        "consultation/detail.html",
        {
            "consultation": consultation,
            "patient_label": _patient_label(consultation, user, timezone.now()),
            "addressee": _addressee(consultation),
            "asker": consultation.asker.get_full_name() or consultation.asker.email,
            "is_asker": consultation.is_asker(user),
            "live": live,
            "sees_patient": sees_patient,
            "page": page,
            "comment_form": comment_form if live else None,
            # A comment sent after the consultation ended (the asker ended it, or its
            # time ran out, while this page was open): shown back to copy, not lost.
            "not_sent": (comment_form.data.get("text") or "").strip()
            if comment_form.is_bound and not live
            else "",
        },
        status=status,
    )


@staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _visible_request(request.user, pk)
    return _detail(request, consultation, CommentForm())


@staff_required
@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _visible_request(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            added = actions.do_comment(
                consultation,
                acting_user=request.user,
                text=form.cleaned_data["text"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if getattr(added, "sent_before", False):
                say_refused(request, _("This comment was already added. Nothing was added twice."))
            else:
                messages.success(request, _("Your comment was added."))
            return redirect(f"{consultation_url(consultation)}#thread")
    return _detail(request, consultation, form, status=400)


def consultation_url(consultation) -> str:
    return reverse("consultation_detail", args=[consultation.pk])


@staff_required
@require_POST
def end(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _visible_request(request.user, pk)
    if not consultation.is_asker(request.user):
        raise Http404
    actions.do_end_consultation(consultation, acting_user=request.user)
    messages.success(request, _("The consultation has ended; your colleague's access ended too."))
    return redirect("consultation_detail", pk=consultation.pk)
