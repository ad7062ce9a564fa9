"""The messages of a page split into refusals and the rest (tessera.core.refusals)."""

from __future__ import annotations

from django import template

from tessera.core.refusals import split_messages

register = template.Library()


@register.simple_tag
def messages_split(stored):
    """``{% messages_split messages as said %}``: said.refusals, said.notices."""
    refusals, notices = split_messages(stored)
    return {"refusals": refusals, "notices": notices}
