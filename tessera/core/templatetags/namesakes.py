"""``{% load namesakes %}``: a list's namesakes told apart (tessera.core.namesakes,
decision 0128). ``{% for row in rows|namesakes %}`` sets each row's ``namesake``;
``{{ row|namesake }}`` writes it after the name, inside the link, so that it is part of
the link's name as well as seen: " (born 02/01/1990)", or nothing."""

from __future__ import annotations

from django import template

from ..namesakes import after_name, with_namesakes

register = template.Library()


@register.filter
def namesakes(rows, among=None):
    """``rows|namesakes:caseload``: told apart from the caseload's people too."""
    return with_namesakes(rows, among or ())


@register.filter
def namesake(row):
    said = row.get("namesake") if isinstance(row, dict) else getattr(row, "namesake", "")
    return after_name(said)
