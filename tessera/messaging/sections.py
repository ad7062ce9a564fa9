"""What messaging adds to the portal's pages (see ``tessera.core.contributions``): the
patient's menu entry and the overview section. Both cheap: one query each."""

from __future__ import annotations

from django.utils.translation import gettext_lazy, ngettext

from tessera.core.contributions import Section
from tessera.core.reversing import reverse_cached

from . import conversation

# The menu's label without new messages, made once (translated when the menu is drawn).
MESSAGES = gettext_lazy("Messages")


def patient_nav(user, base=None) -> list[tuple[str, str]]:
    count = conversation.unread_count(user)
    if count:
        label = ngettext("Messages (%(count)s new)", "Messages (%(count)s new)", count) % {
            "count": count
        }
    else:
        label = MESSAGES
    return [(reverse_cached("my_messages", base=base), label)]


def overview_messages(request, episode) -> dict:
    return {"messages_latest": conversation.latest(episode), "episode": episode}


OVERVIEW = [
    Section(
        key="messages",
        title=gettext_lazy("Messages"),
        template="messaging/overview_section.html",
        order=40,
        load=overview_messages,
    )
]
