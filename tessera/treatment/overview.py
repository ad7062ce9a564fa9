"""Sections of the patient overview, contributed by the apps that own the data.

The overview page (one page per episode) shows, in order, a section per registered
entry: plan and progress, scores, worksheets, messages, notes, risk history, time spent
and so on. An app registers its section in its AppConfig.ready():

    overview.register(overview.Section(
        key="messages", title=_("Messages"), template="messaging/overview_section.html",
        order=40, load=lambda request, episode: {"messages": ...},
    ))

``load`` gets the request and an episode the user may see (the overview has checked)
and returns the template's context. It must use a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    template: str
    order: int
    load: Callable[[object, object], dict]


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> None:
    _SECTIONS[section.key] = section


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))
