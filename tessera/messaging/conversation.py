"""Reading a conversation: one page of messages with their receipts, in constant queries.

Pages count back from the newest message: page 1 holds the newest ones, shown oldest
first so the newest is at the bottom; "Earlier messages" leads to page 2.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from tessera.core.known_related import already_read, give_known
from tessera.core.prepared import Prepared
from tessera.programs.markdown import render
from tessera.treatment import plans

from .models import Message, MessageRead

PAGE_SIZE = 20
EARLIER_PAGE_SIZE = 10


@dataclass
class MessageView:
    message: Message
    html: SafeString
    read_by_patient_at: object = None
    read_by_team_at: object = None
    mine: bool = False
    # The language the message is written in, when it is known and not the page's: its
    # body is marked with it, so a screen reader reads it with the right voice (WCAG
    # 3.1.2). Empty otherwise.
    lang: str = ""


def written_in(message, episode, viewer) -> str:
    """The language a message is most likely written in: the patient's preferred
    language for theirs (the language their own pages are in), a staff author's chosen
    interface language for theirs; empty when not known (an automated text, a staff
    member who left the choice to the browser, a patient the caller did not read).
    Reads nothing: the staff authors are the viewer or given by ``give_known``."""
    if message.is_automated:
        return ""
    if message.from_patient:
        # The patient as the caller read them: not read for this alone.
        patient = episode.patient if type(episode).patient.is_cached(episode) else None
        return patient.preferred_language if patient is not None else ""
    if message.author_id is None:
        return ""
    author = viewer if viewer is not None and message.author_id == viewer.pk else message.author
    return getattr(author, "language", "") or ""


def page_of(episode, number, *, viewer) -> tuple[Page, list[MessageView]]:
    # The authors are not joined to every message: by key per message, a level deeper
    # as the country's users grew (issue 16; 8 → 86 pages for a page of twenty at
    # 1,000 → 100,000 patients). Only a staff message not the viewer's shows its
    # author's name: the episode's therapist as the caller read them, in most threads,
    # any other read once for the page. The viewer's own say "You", the patient's "The
    # patient": their logins are not read (decision 0090).
    messages = (
        Message.objects.filter(episode=episode)
        .prefetch_related(Prefetch("reads", queryset=MessageRead.objects.order_by("read_at")))
        .order_by("-sent_at", "-id")
    )
    page = Paginator(messages, PAGE_SIZE).get_page(number)
    named = [
        m
        for m in page.object_list
        if m.author_id and not m.from_patient and not m.is_automated and m.author_id != viewer.pk
    ]
    give_known(named, "author", already_read(episode, "therapist"))
    patient_user = episode.patient.user_id
    page_language = get_language()
    views = []
    for message in reversed(list(page.object_list)):
        reads = list(message.reads.all())
        view = MessageView(
            message,
            render(message.body),
            read_by_patient_at=next((r.read_at for r in reads if r.user_id == patient_user), None),
            read_by_team_at=next((r.read_at for r in reads if r.user_id != patient_user), None),
            mine=message.author_id == viewer.pk,
        )
        written = written_in(message, episode, viewer)
        if written and written != page_language:
            view.lang = written
        views.append(view)
    return page, views


def earlier_courses(user, shown, number) -> Page:
    """One page of the patient's ended courses other than the one their messages page
    shows (``shown``), newest first, each with its clinic and its ``unread`` messages
    from the care team (a word left there after the end, decision 0154): the
    conversations they read, read only, once a later course began (decision 0151). Two
    queries (count, page)."""
    ended = plans.earlier_courses_of(user, shown).annotate(unread=unread_of_episode(user.pk))
    return Paginator(ended, EARLIER_PAGE_SIZE).get_page(number)


def open_courses(user) -> list:
    """The patient's open courses, newest first (``plans.open_courses_of``; the first is
    the one the messages page shows), each with its ``unread`` messages from the care
    team: one query, the one that found the shown course. Before, a message in another
    open course was notified and shown on no page (decision 0154, follow-up)."""
    return list(plans.open_courses_of(user).annotate(unread=unread_of_episode(user.pk)))


def unread_in_earlier_courses(user, shown) -> int:
    """The care team's messages in the patient's earlier courses (``earlier_courses``)
    that they have not opened: one query."""
    return (
        Message.objects.filter(
            episode__in=plans.earlier_courses_of(user, shown).order_by().values("pk"),
            from_patient=False,
        )
        .exclude(reads__user=user)
        .count()
    )


def unread_of_episode(user_id):
    """The messages to the patient from the care team on the outer episode
    (``OuterRef("pk")``) that this user has not opened, counted: a subquery for the
    patient home's read of the patient's own episodes (issue 16), whose total is then
    given to ``keep_unread_count``."""
    unread = (
        Message.objects.filter(episode=OuterRef("pk"), from_patient=False)
        .exclude(reads__user_id=user_id)
        .order_by()
        .values("episode")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread), 0)


def keep_unread_count(user, count: int) -> None:
    """``unread_count``'s answer for this request, counted by the caller (the patient
    home, from ``unread_of_episode`` on each of the patient's own episodes)."""
    user.__dict__["_unread_messages"] = count


def unread_count(user) -> int:
    """Messages to this patient from the care team that they have not opened: one query,
    once per request. The number is kept on the user object, which lives for one
    request, so that the page and the menu that both show it ask once (issue 16); the
    callers (the patient home, the menu while the page renders) make no write that
    changes it in between. The patient home counts it with the patient's episodes
    (``unread_of_episode``, kept by ``keep_unread_count``), so it makes no query here."""
    cached = user.__dict__.get("_unread_messages")
    if cached is not None:
        return cached
    mine = Message.objects.filter(episode__patient__user=user)
    count = mine.filter(from_patient=False).exclude(reads__user=user).count()
    user.__dict__["_unread_messages"] = count
    return count


# ``latest``'s read per limit, compiled once per process (``core.prepared``): the patient
# overview shows it on every opening (issue 16).
_LATEST: dict[int, Prepared] = {}


def latest(episode, limit: int = 5) -> list[Message]:
    """The episode's newest messages, oldest first, each staff message with its author
    (the overview names them; a patient's or an automated message shows no author).
    The author is the episode's therapist as the caller read them, in most threads;
    any other (a colleague, the on-call) is read once for the five. Joined to each
    message, every author was one descent of the users' key, a level deeper as the
    country's staff grew (7 → 22 pages at 1,000 → 100,000 patients; issue 16)."""
    read = _LATEST.get(limit)
    if read is None:
        read = _LATEST[limit] = Prepared(
            lambda episode_id: Message.objects.filter(episode_id=episode_id).order_by(
                "-sent_at", "-id"
            )[:limit]
        )
    messages = read(episode.pk)[::-1]
    named = [m for m in messages if m.author_id and not m.from_patient and not m.is_automated]
    give_known(named, "author", already_read(episode, "therapist"))
    for message in messages:
        message.written_in = written_in(message, episode, None)
    return messages
