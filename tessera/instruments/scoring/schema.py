"""A small typed reader over parsed JSON: every failure names the file and the field."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NoReturn

from .errors import DefinitionError
from .model import LocalText

_MISSING = object()


class Node:
    """One JSON object inside a definition, with the path that leads to it."""

    def __init__(self, data: Any, path: str, source: str) -> None:
        self.source = source
        self.path = path
        if not isinstance(data, Mapping):
            self.fail("must be an object")
        self.data: Mapping[str, Any] = data

    def fail(self, message: str, key: str | None = None) -> NoReturn:
        where = f"{self.path}.{key}" if key else self.path
        raise DefinitionError(f"{self.source}: {where}: {message}")

    def only(self, *allowed: str) -> None:
        """Reject unknown keys, so that a misspelt rule is not silently ignored."""
        unknown = sorted(set(self.data) - set(allowed))
        if unknown:
            self.fail(f"unknown field(s) {', '.join(unknown)}")

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def _get(self, key: str, default: Any = _MISSING) -> Any:
        if key not in self.data:
            if default is _MISSING:
                self.fail("is required", key)
            return default
        return self.data[key]

    def str(self, key: str) -> str:
        value = self._get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail("must be a non-empty string", key)
        return value

    def opt_str(self, key: str) -> str | None:
        if self._get(key, None) is None:
            return None
        return self.str(key)

    def int(self, key: str, default: Any = _MISSING) -> int:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail("must be an integer", key)
        return value

    def opt_int(self, key: str) -> int | None:
        if self._get(key, None) is None:
            return None
        return self.int(key)

    def number(self, key: str) -> float:
        """An integer or a decimal number, kept as given (10 stays int, 2.3 stays float)."""
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail("must be a number", key)
        return value

    def opt_number(self, key: str) -> float | None:
        value = self._get(key, None)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail("must be a number", key)
        return float(value)

    def bool(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            self.fail("must be true or false", key)
        return value

    def list(self, key: str, *, required: bool = True) -> list[Any]:
        value = self._get(key, _MISSING if required else [])
        if value is None and not required:
            return []
        if not isinstance(value, list):
            self.fail("must be a list", key)
        return value

    def nodes(self, key: str, *, required: bool = True) -> list[Node]:
        return [
            Node(entry, f"{self.path}.{key}[{i}]", self.source)
            for i, entry in enumerate(self.list(key, required=required))
        ]

    def node(self, key: str) -> Node:
        return Node(self._get(key), f"{self.path}.{key}", self.source)

    def opt_node(self, key: str) -> Node | None:
        if self._get(key, None) is None:
            return None
        return self.node(key)

    def ints(self, key: str, *, required: bool = True) -> tuple[int, ...]:
        values = self.list(key, required=required)
        if any(isinstance(v, bool) or not isinstance(v, int) for v in values):
            self.fail("must be a list of integers", key)
        return tuple(values)

    def strs(self, key: str, *, required: bool = True) -> tuple[str, ...]:
        values = self.list(key, required=required)
        if any(not isinstance(v, str) or not v.strip() for v in values):
            self.fail("must be a list of non-empty strings", key)
        return tuple(values)

    def text(self, key: str, languages: tuple[str, ...]) -> LocalText:
        """Text per language; every language must be present, a missing one as null."""
        node = self.node(key)
        if set(node.data) != set(languages):
            node.fail(f"must have exactly the languages {', '.join(languages)} (null if missing)")
        for lang in languages:
            value = node.data[lang]
            if value is not None and (not isinstance(value, str) or not value.strip()):
                node.fail("must be a non-empty string or null", lang)
        return MappingProxyType({lang: node.data[lang] for lang in languages})

    def opt_text(self, key: str, languages: tuple[str, ...]) -> LocalText | None:
        if self._get(key, None) is None:
            return None
        return self.text(key, languages)
