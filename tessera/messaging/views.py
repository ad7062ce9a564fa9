"""The conversation of an episode: the patient's (/me/messages/) and the care team's
(/episodes/<id>/messages/). Every view is an audited read; sending goes through
actions.do_send_message with the draft's submission key."""

from __future__ import annotations

import uuid

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tessera.core import access
from tessera.core.actions import record_patient_read
from tessera.core.decorators import patient_required, staff_required
from tessera.core.forms import add_action_errors
from tessera.core.known_related import with_role_clinics
from tessera.core.models import Episode
from tessera.core.refusals import say_refused
from tessera.treatment import plans
from tessera.treatment.models import WorksheetAnswer

from . import actions, conversation
from .forms import MessageForm, StaffMessageForm
from .quotes import answer_as_text


def _patient_episode(user) -> Episode | None:
    """The patient's open episode, else their latest one (read only)."""
    return plans.patient_episode(user) or (
        Episode.objects.visible_to(user)
        .filter(patient__user=user)
        .select_related("clinic", "patient")
        .first()
    )


def _staff_episode(user, episode_id: int) -> Episode:
    episode = (
        with_role_clinics(Episode.objects.visible_to(user), user)
        .filter(pk=episode_id)
        .select_related("patient", "therapist")
        .first()
    )
    if episode is None:
        raise Http404
    return episode


def _submitted_answer(episode, answer_id) -> WorksheetAnswer | None:
    """A sent worksheet answer of this episode; 404 for any other id."""
    if answer_id in (None, ""):
        return None
    try:
        pk = int(answer_id)
    except (TypeError, ValueError):
        raise Http404 from None
    answer = (
        WorksheetAnswer.objects.filter(pk=pk, entry__episode=episode, submitted_at__isnull=False)
        .select_related("step", "entry__module_version")
        .first()
    )
    if answer is None:
        raise Http404
    return answer


def _send(request, episode, form, answer=None) -> bool:
    if not form.is_valid():
        return False
    try:
        message = actions.do_send_message(
            episode,
            acting_user=request.user,
            body=form.cleaned_data["body"],
            submission_key=form.cleaned_data["submission_key"],
            quoted_answer=answer,
            quoted_text=form.cleaned_data.get("quoted_text", ""),
            risk_acknowledged=bool(form.cleaned_data.get("risk_acknowledged")),
        )
    except ValidationError as exc:
        add_action_errors(form, exc)
        return False
    if getattr(message, "sent_before", False):
        say_refused(request, _("This message was already sent. Nothing was sent twice."))
    else:
        flash.success(request, _("Your message has been sent."))
    return True


def _render(request, template, episode, form, **extra) -> HttpResponse:
    record_patient_read(
        request.user, episode.patient, "messages", obj=episode, clinic=episode.clinic
    )
    page, items = conversation.page_of(episode, request.GET.get("page"), viewer=request.user)
    actions.do_mark_read([item.message for item in items], reader=request.user)
    context = {"episode": episode, "form": form, "page": page, "items": items} | extra
    return render(request, template, context)


@patient_required
@require_http_methods(["GET", "POST"])
def my_messages(request: HttpRequest) -> HttpResponse:
    # The open courses, newest first: the page shows the first and lists the others
    # (two at once, decision 0154 follow-up); else the latest ended one.
    courses = conversation.open_courses(request.user)
    episode = courses[0] if courses else _patient_episode(request.user)
    others = courses[1:]
    if episode is None:
        return render(request, "messaging/my_messages.html", {"episode": None})
    can_write = access.may_write_message(request.user, episode)
    form = None
    if can_write:
        if request.method == "POST":
            form = MessageForm(request.POST)
            if _send(request, episode, form):
                return redirect("my_messages")
        else:
            draft = actions.draft_for(episode, request.user)
            form = MessageForm(initial={"body": draft.body, "submission_key": draft.submission_key})
    elif request.method == "POST":
        if episode.therapist_id is None:
            flash.error(request, _("Nobody reads messages in this course."))
        else:
            flash.error(request, _("This treatment has ended, so new messages cannot be sent."))
        # Written on a page left open while the writing days ended: the message is shown
        # back, to copy (it went with the redirect, without a word about it).
        not_sent = (request.POST.get("body") or "").strip()[:5000]
        if not not_sent or episode.therapist_id is None:
            return redirect("my_messages")
        response = _render_mine(request, episode, form, others, not_sent=not_sent)
        response.status_code = 409
        return response
    return _render_mine(request, episode, form, others)


def _render_mine(request, episode, form, others, **extra) -> HttpResponse:
    """The patient's messages page: the course it shows, and a page of their earlier
    courses whose conversations they read (decision 0151)."""
    earlier = conversation.earlier_courses(request.user, episode, request.GET.get("earlier"))
    # A word left in an earlier course (after its end, decision 0154): the home page
    # counts it as new and leads here; the page says where it is.
    unread_earlier = conversation.unread_in_earlier_courses(request.user, episode)
    # Another open course at once (referred while one is still open): its conversation
    # is not this page's; the page lists it with its new messages and leads to it.
    return _render(
        request,
        "messaging/my_messages.html",
        episode,
        form,
        earlier=earlier,
        unread_earlier=unread_earlier,
        others=others,
        unread_other=sum(course.unread for course in others),
        **extra,
    )


@patient_required
@require_http_methods(["GET", "POST"])
def my_earlier_messages(request: HttpRequest, episode_id: int) -> HttpResponse:
    """An earlier course's conversation, read only (decision 0151), or another open
    course's than the one the messages page shows (two at once, decision 0154,
    follow-up): read and marked read; the other open course is written in here as on
    Messages (decision 0158), with its own draft. Another's course is "Page not found";
    the course the messages page shows goes there."""
    episode = Episode.objects.own_one(request.user, episode_id)
    if episode is None:
        raise Http404
    other = access.may_read_other_open_conversation(request.user, episode)
    if not (other or access.may_read_earlier_conversation(request.user, episode)):
        return redirect("my_messages")  # the course the messages page shows
    template = "messaging/my_earlier_messages.html"
    if not other or not access.may_write_message(request.user, episode):
        if request.method != "POST":
            return _render(request, template, episode, None)
        # Written on a page drawn while the course could still be written in (it has
        # ended since, or lost its therapist): said, and the message shown back to copy.
        if episode.status == "ended":
            flash.error(request, _("This treatment has ended, so new messages cannot be sent."))
        else:
            flash.error(request, _("Nobody reads messages in this course."))
        not_sent = (request.POST.get("body") or "").strip()[:5000]
        response = _render(request, template, episode, None, not_sent=not_sent)
        response.status_code = 409
        return response
    if request.method == "POST":
        form = MessageForm(request.POST)
        if _send(request, episode, form):
            return redirect("my_earlier_messages", episode_id=episode.pk)
    else:
        draft = actions.draft_for(episode, request.user)
        form = MessageForm(initial={"body": draft.body, "submission_key": draft.submission_key})
    return _render(request, template, episode, form)


@staff_required
@require_http_methods(["GET", "POST"])
def episode_messages(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _staff_episode(request.user, episode_id)
    if not access.may_write_message(request.user, episode):
        if access.patient_reads_elsewhere(episode):
            # An ended course, the patient in a later one (decision 0148): the page says
            # so, and a message written on a page drawn before is shown back to copy.
            not_sent = (request.POST.get("body") or "").strip()[:5000]
            response = _render(
                request,
                "messaging/episode_messages.html",
                episode,
                None,
                elsewhere=actions.ELSEWHERE,
                not_sent=not_sent,
            )
            if request.method == "POST":
                response.status_code = 409
            return response
        # A colleague consulted on the case reads the conversation but does not write.
        if request.method == "POST":
            raise PermissionDenied
        return _render(request, "messaging/episode_messages.html", episode, None)
    if request.method == "POST":
        form = StaffMessageForm(request.POST)
        answer = _submitted_answer(episode, request.POST.get("answer"))
        if _send(request, episode, form, answer):
            return redirect("episode_messages", episode_id=episode.pk)
    else:
        draft = actions.draft_for(episode, request.user)
        answer = _submitted_answer(episode, request.GET.get("answer"))
        initial = {"body": draft.body, "submission_key": draft.submission_key}
        if answer is not None:
            initial |= {"answer": answer.pk, "quoted_text": answer_as_text(answer)}
        elif draft.quoted_answer_id:
            answer = draft.quoted_answer
            initial |= {"answer": answer.pk, "quoted_text": draft.quoted_text}
        form = StaffMessageForm(initial=initial)
    return _render(
        request,
        "messaging/episode_messages.html",
        episode,
        form,
        answer=answer,
        quoted_answer=answer,
        risk=actions.reply_risk(episode, answer),
    )


def _autosave(request, episode, answer=None) -> HttpResponse:
    try:
        draft = actions.do_save_draft(
            episode,
            acting_user=request.user,
            body=request.POST.get("body", ""),
            submission_key=_uuid_or_none(request.POST.get("submission_key")),
            quoted_answer=answer,
            quoted_text=request.POST.get("quoted_text", ""),
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):  # too long: say so; the text stays in the box
            return HttpResponse(" ".join(exc.messages), status=400)
        return HttpResponse(_("Your draft could not be saved."), status=409)
    if draft is None:
        return HttpResponse(_("Sent."))
    at = time_format(timezone.localtime(draft.updated_at), "H:i")
    return HttpResponse(_("Draft saved at %(time)s.") % {"time": at})


def _uuid_or_none(value):
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


@patient_required
@require_POST
def my_messages_draft(request: HttpRequest) -> HttpResponse:
    episode = _patient_episode(request.user)
    if episode is None:
        raise Http404
    return _autosave(request, episode)


@patient_required
@require_POST
def my_earlier_messages_draft(request: HttpRequest, episode_id: int) -> HttpResponse:
    """The autosave of the other open course's page (decision 0158): a draft per course,
    so what is typed to one clinic never lands in the other's box."""
    episode = Episode.objects.own_one(request.user, episode_id)
    if episode is None:
        raise Http404
    return _autosave(request, episode)


@staff_required
@require_POST
def episode_messages_draft(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = _staff_episode(request.user, episode_id)
    answer = _submitted_answer(episode, request.POST.get("answer"))
    return _autosave(request, episode, answer)
