"""The links and buttons of a page with their accessible names and what they do, read
from the HTML (for tests/test_control_names.py).

The name is computed as a browser does for these elements, in the cases Tessera's
templates use: ``aria-labelledby`` (the referenced elements' text), else ``aria-label``,
else the text inside (visually hidden text included, ``aria-hidden`` subtrees and
``hidden`` elements left out; an image's ``alt``), and an ``<input>`` button's value.
What a control does: a link's address; a ``<summary>``, its own ``<details>``; a button's
form (action, method and the values it sends besides the token) with its own name and
value, or its htmx request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
VOID |= {"track", "wbr"}
LEFT_OUT = {"csrfmiddlewaretoken", "submission_key", "next"}
HTMX = ("hx-get", "hx-post", "hx-delete", "hx-put", "hx-patch")


@dataclass(frozen=True)
class Control:
    kind: str  # "link" or "button"
    name: str
    target: str


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[dict] = []  # elements whose text is being gathered
        self.texts: dict[str, list[str]] = {}  # id -> text
        self.found: list[dict] = []
        self.forms: list[dict] = []
        self.form: dict | None = None
        self.hidden_depth = 0
        self.details: list[dict] = []  # the <details> open, innermost last
        self.stack: list[tuple] = []  # (tag, hides its subtree, what gathers its text)

    def _text(self, text: str) -> None:
        if self.hidden_depth:
            return
        for element in self.open:
            element["text"].append(text)

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.form = {"action": a.get("action", ""), "method": a.get("method", "get")}
            self.form["hidden"] = []
            self.forms.append(self.form)
        if tag == "input":
            self._input(a)
        if tag == "img" and a.get("alt"):
            self._text(f" {a['alt']} ")
        if tag in VOID:
            return
        hides = "hidden" in a or a.get("aria-hidden") == "true"
        self.hidden_depth += hides
        if tag == "details":
            self.details.append({"summary": None})
        entries = []
        if (tag == "a" and "href" in a) or tag in ("button", "summary"):
            entries.append(self._named(tag, a))
        if "id" in a:
            entries.append({"text": [], "id": a["id"]})
        self.open += entries
        self.stack.append((tag, hides, entries))

    def _input(self, a) -> None:
        kind = a.get("type", "text").lower()
        if kind == "hidden" and self.form is not None and a.get("name") not in LEFT_OUT:
            self.form["hidden"].append(f"{a.get('name')}={a.get('value', '')}")
        if kind in ("submit", "button", "image"):
            name = a.get("aria-label") or a.get("value") or a.get("alt", "")
            self.found.append(self._control("button", a, name))

    def _named(self, tag, a) -> dict:
        """A link, button or summary whose name is its text."""
        control = self._control("link" if tag == "a" else "button", a, None)
        if tag == "summary":  # opens its own <details>: a target of its own
            control["target"] = f"details {len(self.found)}"
            if self.details:
                self.details[-1]["summary"] = control
        elif self.details:
            control["within"] = self.details[-1]
        self.found.append(control)
        return control

    def _control(self, kind, a, name):
        if kind == "link":
            target = a.get("href", "")
        else:
            htmx = next((f"{h} {a[h]}" for h in HTMX if h in a), None)
            form = self.form or {"action": "", "method": "get", "hidden": []}
            own = f"{a.get('name', '')}={a.get('value', '')}" if a.get("name") else ""
            target = htmx or " ".join(
                [form["method"].lower(), form["action"], *sorted(form["hidden"]), own]
            )
        return {
            "kind": kind,
            "labelledby": a.get("aria-labelledby", ""),
            "label": a.get("aria-label", ""),
            "name": name,
            "text": [],
            "target": target,
        }

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        if tag == "details" and self.details:
            self.details.pop()
        at = next((i for i in range(len(self.stack) - 1, -1, -1) if self.stack[i][0] == tag), None)
        if at is None:
            return
        for _tag, hides, entries in self.stack[at:]:
            if hides:
                self.hidden_depth -= 1
            for entry in entries:
                self.open.remove(entry)
                if "id" in entry:
                    self.texts[entry["id"]] = entry["text"]
        del self.stack[at:]

    def handle_data(self, data):
        self._text(data)


def controls(html: str) -> list[Control]:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    names = {}
    for c in reader.found:
        if c["labelledby"]:
            name = " ".join("".join(reader.texts.get(i, [])) for i in c["labelledby"].split())
        else:
            name = c["label"] or c["name"] or "".join(c["text"])
        names[id(c)] = _squash(name)
    found = []
    for c in reader.found:
        target = c["target"]
        # A disclosure and the button it shows, named alike ("Cancel the session" opens
        # the form whose button cancels it): one action in two steps.
        summary = (c.get("within") or {}).get("summary")
        if summary is not None and names[id(summary)] == names[id(c)]:
            target = summary["target"]
        found.append(Control(c["kind"], names[id(c)], target))
    return found
