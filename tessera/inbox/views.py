"""The inbox, and marking a worksheet as seen from it. (The patient overview, which
gathers sections from many apps, is in the portal.)"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tessera.core import access, audit, searches
from tessera.core.decorators import staff_required
from tessera.core.models import Episode
from tessera.treatment.models import WorksheetAnswer

from . import actions, caseload, scope, worklist
from .items import KIND_LABELS

PAGE_SIZE = 50


def _mark_therapists_who_left(rows, choice) -> None:
    """A team's inbox names each row's therapist: one who has left is marked as such
    (``therapist_left`` on the episode), so the team sees the item has nobody. One query
    for the page (its clinics' therapists, ``access.left_among``), none when the page
    shows no therapist column."""
    if not choice.team or choice.therapist:
        return
    episodes = {row.episode.pk: row.episode for row in rows if row.episode.therapist_id}
    for pk in access.left_among(episodes.values()):
        episodes[pk].therapist_left = True


@staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope.has_inbox(user):
        raise PermissionDenied
    therapists = scope.team_therapists(user)
    choice = scope.choose(user, request.GET.get("therapist"), therapists)
    # The user is read already: their own caseload's therapist needs no query.
    episodes, people = scope.CaseloadRead(user, choice), [user, *therapists]
    kind = request.GET.get("kind", "")
    kind = kind if kind in KIND_LABELS else ""
    grouped = request.GET.get("group") == "patient"
    if grouped:
        work = worklist.build(episodes, people=people)
        rows = work.by_patient(kind)
    else:
        # One row per item: only the rows the page reaches are worked out (decision 0159).
        number = request.GET.get("page", "")
        reach = PAGE_SIZE * (int(number) if number.isdigit() and 0 < int(number) < 10**6 else 1)
        work = worklist.draw(episodes, kind=kind, people=people, reach=reach)
        rows = work.rows
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    _mark_therapists_who_left(page.object_list, choice)
    patients = sorted({row.episode.patient_id for row in page.object_list})
    if patients:
        audit.record("inbox.viewed", actor=user, changes={"patients": patients})
    return render(
        request,
        "inbox/inbox.html",
        {
            "work": work,
            "page": page,
            "kind": kind,
            "kind_label": KIND_LABELS.get(kind, ""),
            "grouped": grouped,
            "therapists": therapists,
            "has_team": bool(scope.team_clinic_ids(user)),
            "choice": choice,
            "selected": request.GET.get("therapist", ""),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def caseload_page(request: HttpRequest) -> HttpResponse:
    """The caseload at a glance: one row per patient, sorted and filtered on the server
    from ``?sort=``, ``?flag=``, the name searched (kept out of the address: ``?s=``,
    decision 0119) and whose (``?therapist=``, as in the inbox)."""
    user = request.user
    if not scope.has_inbox(user):
        raise PermissionDenied
    if request.method == "POST":
        return searches.redirect_to_search(
            request, words=["q"], others=["therapist", "flag", "sort"]
        )
    params, search_lost = searches.searched(request, ["q"])
    therapists = scope.team_therapists(user)
    choice = scope.choose(user, params.get("therapist"), therapists)
    now = timezone.now()
    people = [user, *therapists]
    flag = params.get("flag", "")
    flag = flag if flag in caseload.FLAGS else ""
    query = params.get("q", "")[:100]
    team_list = choice.team and choice.therapist is None
    wanted = params.get("sort") or (caseload.TEAM_DEFAULT_SORT if team_list else None)
    sort, descending = caseload.parse_sort(wanted)
    if caseload.in_database(choice, sort, flag):
        # A team's list by name, open alerts, activity or next due (its default is most open
        # alerts first): ordered in the database, only the page's rows worked out.
        episodes = scope.caseload(user, choice)
        ordered = caseload.in_order(episodes, sort, descending, query, now=now, flag=flag)
        page = Paginator(ordered, caseload.PER_PAGE).get_page(params.get("page"))
        listed = caseload.Listed(list(page.object_list), episodes.db)
        page.object_list = caseload.rows(listed, now, people=people)
        # The list's own number of patients, apart from those the name finds.
        total = episodes.count() if query or flag else page.paginator.count
        counts = caseload.database_counts(episodes)
    else:
        everyone = caseload.rows(scope.CaseloadRead(user, choice), now, people=people)
        shown = caseload.arrange(
            everyone, sort=("-" if descending else "") + sort, flag=flag, query=query
        )
        # A therapist's own caseload is drawn whole (it is theirs: decision 0108); a
        # team's a page at a time.
        per_page = caseload.PER_PAGE if team_list else max(len(shown), 1)
        page = Paginator(shown, per_page).get_page(params.get("page"))
        total = len(everyone)
        counts = {key: sum(1 for row in everyone if row.has(key)) for key in caseload.FLAGS}
    patients = sorted({row.episode.patient_id for row in page.object_list})
    if patients:
        audit.record("caseload.viewed", actor=user, changes={"patients": patients})
    columns = [
        {
            "key": key,
            "label": label,
            "active": key == sort,
            "descending": key == sort and descending,
            # The next click: the other way round on the sorted column, else ascending
            # (descending first for alerts, where more is more urgent).
            "next": (
                ("" if descending else "-") + key
                if key == sort
                else ("-" + key if key in ("alerts", "scores", "activity") else key)
            ),
        }
        for key, label in caseload.SORTS.items()
    ]
    return render(
        request,
        "inbox/caseload.html",
        {
            "rows": page.object_list,
            "page": page,
            "total": total,
            "columns": columns,
            "sort": sort,
            "descending": descending,
            # A team's list paged in the database counts the flags the database works
            # out (alerts, replies, a therapist who left); the others need every row.
            "flags": [(key, label, counts.get(key)) for key, label in caseload.FLAGS.items()],
            "flag": flag,
            "flag_label": caseload.FLAGS.get(flag, ""),
            "query": query,
            "search_lost": search_lost,
            "therapists": therapists,
            "has_team": bool(scope.team_clinic_ids(user)),
            "choice": choice,
        },
    )


@staff_required
@require_POST
def worksheet_seen(request: HttpRequest, answer_id: int) -> HttpResponse:
    user = request.user
    if not access.may_mark_worksheets(user):
        raise PermissionDenied
    episodes = Episode.objects.visible_to(user).values("pk")
    answer = WorksheetAnswer.objects.filter(
        pk=answer_id, entry__episode__in=episodes, submitted_at__isnull=False
    ).first()
    if answer is None:
        raise Http404
    actions.do_mark_worksheet_seen(answer, acting_user=user)
    messages.success(request, _("The worksheet was marked as seen; no reply is needed."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("inbox")
    return redirect(target)
