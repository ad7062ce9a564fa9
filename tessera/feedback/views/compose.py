"""The compose tools' endpoints: fill a template in for an episode, check a draft.

Both take the episode in the path and, optionally, the answer being replied to
(``?answer=<WorksheetAnswer id>`` or, on the practice page, ``?practice=<id>``). Loading
an answer loads the patient's own text, so that read is audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tessera.core import access
from tessera.core.actions import record_patient_read
from tessera.core.decorators import staff_required
from tessera.core.models import Episode
from tessera.treatment.models import WorksheetAnswer

from .. import compose
from ..forms import MAX_DRAFT, PracticeReplyForm
from ..models import FeedbackTemplate, PracticeWorksheet


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def episode_and_answer(request: HttpRequest, episode_id: int, *, load_answer: bool = True):
    """The episode (404 unless visible) and the answer named in the query, if any."""
    if not access.may_use_feedback_templates(request.user):
        raise PermissionDenied
    episode = (
        Episode.objects.visible_to(request.user)
        .select_related("patient", "clinic")
        .filter(pk=episode_id)
        .first()
    )
    if episode is None:
        raise Http404
    answer = None
    if not load_answer:
        return episode, None
    if (answer_id := _int(request.GET.get("answer"))) is not None:
        answer = (
            WorksheetAnswer.objects.select_related("entry__module_version")
            .filter(pk=answer_id, entry__episode=episode)
            .first()
        )
    elif (practice_id := _int(request.GET.get("practice"))) is not None:
        answer = PracticeWorksheet.objects.filter(pk=practice_id, episode=episode).first()
    else:
        return episode, None
    if answer is None:
        raise Http404
    record_patient_read(
        request.user, episode.patient, "worksheet", obj=answer, clinic=episode.clinic
    )
    return episode, answer


@staff_required
@require_http_methods(["GET", "POST"])
def fill(request: HttpRequest, episode_id: int) -> HttpResponse:
    """?template=<id>: the template filled in for this episode (htmx: a fragment the
    compose script inserts; otherwise a page to copy from). Without it: the choice.

    POST: "Insert template" without script sends the compose form here (the draft in
    ``body``, the template chosen): the page shows the draft with the template after
    it, so nothing typed is lost, and a practice reply can go back to the practice."""
    templates = FeedbackTemplate.objects.usable_by(request.user).select_related("clinic")
    posted = request.method == "POST"
    template_id = _int((request.POST if posted else request.GET).get("template"))
    if template_id is None and not posted:
        episode, _answer = episode_and_answer(request, episode_id, load_answer=False)
        return render(
            request,
            "feedback/fill_choose.html",
            {"templates": templates[:200], "episode": episode, "query": request.GET.urlencode()},
        )
    template = templates.filter(pk=template_id).first() if template_id is not None else None
    if template is None and not posted:
        raise Http404
    episode, answer = episode_and_answer(request, episode_id)
    filled = compose.render_template(template, episode, answer) if template else ""
    draft = request.POST.get("body", "") if posted else ""
    text = f"{draft.rstrip()}\n\n{filled}" if draft.strip() and filled else draft or filled
    context = {"template": template, "text": text, "episode": episode}
    if request.headers.get("HX-Request"):
        return render(request, "feedback/fill_result.html", context)
    if isinstance(answer, PracticeWorksheet):
        context["practice_url"] = reverse("feedback_practice_worksheet", args=[answer.pk])
        context["practice_form"] = PracticeReplyForm(initial={"body": text})
    return render(request, "feedback/fill_page.html", context)


@staff_required
@require_POST
def check(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode, answer = episode_and_answer(request, episode_id)
    text = request.POST.get("body", "")
    language = request.POST.get("language") or None
    if len(text) > MAX_DRAFT:  # not checked and never cut: the whole draft comes back
        error = _("The draft is too long to check: keep it to %(n)s characters or fewer.") % {
            "n": f"{MAX_DRAFT:,}"
        }
        remarks, checked_in = [], None
    else:
        error = ""
        remarks = compose.check(text, episode, answer, language=language)
        checked_in = compose.checked_language(text, episode, language=language)
    context = {
        "remarks": remarks,
        "checked_in": checked_in,
        "text": text,
        "checked": True,
        "error": error,
        "unmet": sum(1 for r in remarks if not r.met),
        "check_url": request.get_full_path(),
        "practice_url": reverse("feedback_practice_worksheet", args=[answer.pk])
        if isinstance(answer, PracticeWorksheet)
        else "",
    }
    status = 400 if error else 200
    if request.headers.get("HX-Request"):
        return render(request, "feedback/remarks.html", context, status=status)
    return render(request, "feedback/check_page.html", context, status=status)
