"""``{% extends %}`` with the parent's blocks found once per compiled parent (issue 16,
decision 0073): a template builtin (settings.TEMPLATES), so it stands in for Django's
own tag in every template; the same syntax and output.

On every page Django's ``ExtendsNode.render`` asks the parent template's node list for
its ``{% block %}`` nodes (``get_nodes_by_type(BlockNode)``), a walk of the parent's
whole tree: ``base.html``'s, one in sixteen of a patient home's drawing time. A compiled
template does not change (the cached loader keeps it; a new one is a new object), so
its node list becomes a ``KeptNodeList``, which walks once per node type and then
gives a copy of what it found. tests/core/test_kept_blocks.py fails if Django stops
asking the node list (the walk would then be Django's own again, not wrong).
"""

from __future__ import annotations

from django import template
from django.template.base import NodeList
from django.template.loader_tags import ExtendsNode, do_extends

register = template.Library()


class KeptNodeList(NodeList):
    """A compiled template's node list: the nodes of one type found once."""

    def get_nodes_by_type(self, nodetype):
        kept = self.__dict__.setdefault("_kept_by_type", {})
        found = kept.get(nodetype)
        if found is None:
            found = kept[nodetype] = tuple(super().get_nodes_by_type(nodetype))
        return list(found)


class KeptExtendsNode(ExtendsNode):
    def get_parent(self, context):
        parent = super().get_parent(context)
        nodelist = getattr(parent, "nodelist", None)
        if type(nodelist) is NodeList:
            nodelist.__class__ = KeptNodeList
        return parent


@register.tag("extends")
def extends(parser, token):
    node = do_extends(parser, token)
    return KeptExtendsNode(node.nodelist, node.parent_name)
