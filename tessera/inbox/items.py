"""One row of the inbox, the kinds of row in their order of priority, and links."""

from __future__ import annotations

import datetime as dt
from functools import cache, cached_property

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from . import timing
from .timing import Due

RISK = "risk"
REPLY = "reply"
NEW_PATIENT = "new_patient"
INACTIVE = "inactive"
OVERDUE = "overdue"
DETERIORATION = "deterioration"
UNLOCK = "unlock"

# In order of priority: what is at the top of the inbox comes first here.
KINDS: list[tuple[str, object]] = [
    (RISK, _("Risk alerts")),
    (REPLY, _("Waiting for a reply")),
    (NEW_PATIENT, _("New patients")),
    (INACTIVE, _("Inactive patients")),
    (OVERDUE, _("Overdue questionnaires")),
    (DETERIORATION, _("Reliable deterioration")),
    (UNLOCK, _("Modules to open")),
]
KIND_ORDER = {kind: index for index, (kind, _label) in enumerate(KINDS)}
KIND_LABELS = dict(KINDS)


class Item:
    """One row. ``reason``, ``href`` and ``action`` may be given as text or as a function
    of no argument that makes it: made when first read. A team's inbox builds hundreds
    of rows to sort and count them and shows fifty; writing every row's text and link
    was a third of its time (issue 16)."""

    def __init__(
        self,
        kind: str,
        episode,  # with .patient and .clinic loaded
        reason,  # in words: why this row is in the inbox
        href,  # where to act
        action,  # the link's text
        at: dt.datetime,  # when it started waiting (oldest first within a kind)
        rank: int = 0,  # within a kind, lower first (risk: most severe first)
        # Replies: when the clock of the response target started, and the moment the
        # worklist was built. The time left (``due``) is worked out when first read: the
        # staff home only counts the rows and never asks (issue 16).
        reply_since: dt.datetime | None = None,
        now: dt.datetime | None = None,
        answer_id: int | None = None,  # a submitted worksheet that can be marked as seen
        key: str = "",  # stable id of the row, for tests and anchors
    ):
        self.kind = kind
        self.episode = episode
        self._reason = reason
        self._href = href
        self._action = action
        self.at = at
        self.rank = rank
        self.reply_since = reply_since
        self.now = now
        self.answer_id = answer_id
        self.key = key

    def __repr__(self) -> str:
        return f"Item({self.kind!r}, {self.key!r})"

    @property
    def reason(self) -> str:
        if callable(self._reason):
            self._reason = self._reason()
        return self._reason

    @property
    def href(self) -> str:
        if callable(self._href):
            self._href = self._href()
        return self._href

    @property
    def action(self) -> str:
        return str(self._action)  # a lazy translation is made in the page's language

    @cached_property
    def due(self) -> Due | None:
        """Replies: time left to the clinic's response target (``timing.due``)."""
        if self.reply_since is None:
            return None
        return timing.due(self.episode.clinic, self.reply_since, self.now)

    @property
    def sort_key(self):
        return (KIND_ORDER[self.kind], self.rank, self.at, self.key)

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]

    @property
    def overview_href(self) -> str:
        """The patient's overview (no ``{% url %}`` per row in the template; issue 16)."""
        return overview_url(self.episode.pk)

    @property
    def seen_href(self) -> str:
        """Where "seen, no reply needed" posts, for a worksheet row."""
        return url_with_id("worksheet_seen", "answer_id", self.answer_id)


# A number no row has, reversed once in its place: a worklist of hundreds of rows then
# fills in a pattern instead of resolving the URL again for every row (issue 16).
_PLACEHOLDER = 2147483647


@cache
def _pattern(name: str, kwarg: str, prefix: str, urlconf: str) -> str:
    url = reverse(name, kwargs={kwarg: _PLACEHOLDER}, urlconf=urlconf)
    return url.replace(str(_PLACEHOLDER), "{}", 1)


def url_with_id(name: str, kwarg: str, value: int) -> str:
    """``reverse(name, kwargs={kwarg: value})`` for a URL with one integer in it."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _pattern(name, kwarg, get_script_prefix(), urlconf).format(int(value))


def alert_url(alert_id: int) -> str:
    return url_with_id("risk_alert", "pk", alert_id)


def overview_url(episode_id: int, anchor: str = "") -> str:
    url = url_with_id("episode_overview", "episode_id", episode_id)
    return f"{url}#{anchor}" if anchor else url


def messages_url(episode_id: int, answer_id: int | None = None) -> str:
    """The episode's conversation, quoting the worksheet answer when there is one."""
    url = url_with_id("episode_messages", "episode_id", episode_id)
    if answer_id is not None:
        url += f"?answer={int(answer_id)}"
    return url
