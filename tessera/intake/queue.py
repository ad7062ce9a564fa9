"""The triage queue: open applications of the user's clinics, urgent first, then oldest.

A constant number of queries whatever its length: the page of applications (its clinics
read by id after it), the count for the paginator, the screening answers of the page in one
query (shared with the suggestions), the applicants' unread messages of the page in one,
and programme suggestions in one or two (tessera.programs.matching, when it is
installed)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, prefetch_related_objects
from django.utils import timezone

from tessera.core import access
from tessera.core.id_lists import among_ids, in_ids
from tessera.programs.matching import suggestions_for

from .models import Application, ApplicationMessage, ScreeningAnswer
from .models.applications import OPEN_STATUSES

PAGE_SIZE = 50
logger = logging.getLogger(__name__)


@dataclass
class QueueRow:
    application: Application
    waiting: object  # timedelta since it was submitted
    scores: list = field(default_factory=list)  # ScreeningAnswer rows
    suggestions: list = field(default_factory=list)
    unread_messages: int = 0  # from the applicant, not yet read by the team


def with_unread_messages(qs, clinics):
    """Applications of ``clinics`` with a message from the applicant nobody at the clinic
    has read. The messages are read by the clinics' range of
    ``application_unread_by_clinic`` (the message's copy of its application's clinic,
    intake 0011), not as every unread applicant message of the country (decision 0069)."""
    unread = ApplicationMessage.objects.unread_by_clinic().filter(
        in_ids("clinic", clinics), application=OuterRef("pk")
    )
    return qs.filter(Exists(unread))


def _queue_clinics(user) -> set[int]:
    """The clinics whose applications the queue shows: the user's intake clinics and
    those where they are on call (``applications_visible_to``)."""
    return access.urgent_application_clinic_ids(user)


def queue_queryset(user, *, source="", status="", urgent=False, messages=False):
    qs = Application.objects.visible_to(user).exclude(status="draft")
    if messages:
        # whatever the status: an applicant on the waiting list writes too (issue 14)
        qs = with_unread_messages(qs.filter(status=status) if status else qs, _queue_clinics(user))
    else:
        qs = qs.filter(status=status) if status else qs.filter(status__in=OPEN_STATUSES)
    if source:
        qs = qs.filter(source=source)
    if urgent:
        qs = qs.filter(urgent=True)
    # The order of the open applications' own index (intake_application_queue, decision
    # 0065); no referral is joined: the queue does not show it, and joining it hashed
    # every referral in the country. Nor the clinic: with a thousand clinics PostgreSQL
    # hashed every one of them (22 pages at 1M patients, 1 at 1k); ``queue_page`` reads
    # the page's few clinics by id instead (issue 16).
    return qs.select_related("urgent_acknowledged_by").order_by(
        "-urgent", F("submitted_at").asc(nulls_last=True), "id"
    )


def suggestions(applications: list[Application], versions: list | None = None) -> dict:
    """Programme suggestions from tessera.programs.matching (``versions``: the regions'
    published programme versions, when read already)."""
    return suggestions_for(applications, versions=versions) or {}


def summary(user) -> dict:
    """What waits in the user's queue, for their home page: open applications, how many
    of them urgent, and how many have a message nobody has read (two queries)."""
    counts = (
        queue_queryset(user)
        .order_by()
        .aggregate(open=Count("id"), urgent=Count("id", filter=Q(urgent=True)))
    )
    return {**counts, "messages": waiting_messages(user)}


def waiting_messages(user) -> int:
    """How many applications of the user's queue have a message nobody has read."""
    sent = Application.objects.visible_to(user).exclude(status="draft")
    return with_unread_messages(sent, _queue_clinics(user)).count()


def queue_page(user, page_number, **filters):
    page = Paginator(queue_queryset(user, **filters), PAGE_SIZE).get_page(page_number)
    applications = list(page.object_list)
    # The page's clinics by their ids: one query, two or three pages whatever the number
    # of clinics in the country (not a join that hashes them all).
    prefetch_related_objects(applications, "clinic")
    # The page's screening answers once, for the scores shown and for the suggestions
    # (whose own prefetch finds them loaded): one query, not one each.
    prefetch_related_objects(
        applications,
        Prefetch(
            "screening_answers",
            queryset=ScreeningAnswer.objects.only(
                "application_id", "instrument", "total", "band", "risk_flagged"
            ),
        ),
    )
    # The page's clinics' range of unread messages, the page's applications only
    # filtering it (not one descent per application; decision 0069).
    unread = dict(
        ApplicationMessage.objects.unread_by_clinic()
        .filter(
            in_ids("clinic", {a.clinic_id for a in applications}),
            among_ids("application", [a.pk for a in applications]),
        )
        .values_list("application_id")
        .annotate(n=Count("id"))
    )
    suggested = suggestions(applications)
    now = timezone.now()
    rows = [
        QueueRow(
            application=a,
            waiting=now - (a.submitted_at or a.created_at),
            scores=list(a.screening_answers.all()),
            suggestions=suggested.get(a.pk, []),
            unread_messages=unread.get(a.pk, 0),
        )
        for a in applications
    ]
    return page, rows
