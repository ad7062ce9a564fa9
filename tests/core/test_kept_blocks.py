"""``{% extends %}`` finds the parent's blocks once per compiled parent
(tessera.core.templatetags.kept_blocks, issue 16, decision 0073): the same page as
Django's own tag, and the walk of the parent's tree made once, not on every page."""

from django.template import Context, Engine, engines
from django.template.base import Node, NodeList
from django.template.loader_tags import BlockNode, ExtendsNode

from tessera.core.templatetags import kept_blocks

TEMPLATES = {
    "parent.html": (
        "<title>{% block title %}Parent{% endblock %}</title>"
        "{% if show %}{% block body %}parent body{% endblock %}{% endif %}"
        "{% for i in items %}{% block row %}[{{ i }}]{% endblock %}{% endfor %}"
    ),
    "middle.html": '{% extends "parent.html" %}{% block title %}Middle{% endblock %}',
    "child.html": (
        '{% extends "middle.html" %}'
        "{% block body %}child {{ block.super }}{% endblock %}"
        "{% block row %}<{{ block.super }}>{% endblock %}"
    ),
}


def engine(builtins):
    # The cached loader, as the project's engine: a compiled template is kept.
    cached = (
        "django.template.loaders.cached.Loader",
        [("django.template.loaders.locmem.Loader", TEMPLATES)],
    )
    return Engine(loaders=[cached], builtins=builtins)


def test_the_project_engine_uses_it_for_every_extends():
    node = engines["django"].from_string('{% extends "base.html" %}').template.nodelist[0]
    assert isinstance(node, kept_blocks.KeptExtendsNode)


def test_the_same_page_as_djangos_tag_and_the_parents_walked_once(monkeypatch):
    kept = engine(["tessera.core.templatetags.kept_blocks"])
    djangos = engine([])
    context = {"show": True, "items": [1, 2]}
    expected = djangos.get_template("child.html").render(Context(context))
    assert expected == "<title>Middle</title>child parent body<[1]><[2]>"

    walks, asked = [], []
    walk = NodeList.get_nodes_by_type
    ask = kept_blocks.KeptNodeList.get_nodes_by_type

    def counted_walk(self, nodetype):
        if nodetype is BlockNode:
            walks.append(self)
        return walk(self, nodetype)

    def counted_ask(self, nodetype):
        asked.append(self)
        return ask(self, nodetype)

    monkeypatch.setattr(NodeList, "get_nodes_by_type", counted_walk)
    monkeypatch.setattr(kept_blocks.KeptNodeList, "get_nodes_by_type", counted_ask)
    child = kept.get_template("child.html")
    assert isinstance(child.nodelist[0], ExtendsNode)
    for _ in range(3):
        assert child.render(Context(context)) == expected
        assert child.render(Context({"show": False, "items": []})) == "<title>Middle</title>"
    # Django asks the root parent's list on every page, and that list is a KeptNodeList:
    # the walk itself (a NodeList.get_nodes_by_type per list of the tree) is made on the
    # first page only.
    assert len(asked) == 6 and len({id(nodes) for nodes in asked}) == 1
    assert [n.name for n in asked[0].get_nodes_by_type(BlockNode)] == ["title", "body", "row"]
    first = len(walks)
    assert first > 0
    child.render(Context(context))
    assert len(walks) == first and len(asked) == 8


def test_the_kept_list_gives_each_caller_its_own_copy():
    nodes = kept_blocks.KeptNodeList(Engine().from_string("{% block a %}{% endblock %}").nodelist)
    first = nodes.get_nodes_by_type(BlockNode)
    first.clear()
    assert [n.name for n in nodes.get_nodes_by_type(BlockNode)] == ["a"]
    assert nodes.get_nodes_by_type(Node) and isinstance(nodes, NodeList)
