"""Which query parameters a FHIR request used, under the client's ``Prefer: handling``.

FHIR R4 search (https://hl7.org/fhir/R4/search.html#errors, "Handling errors"): a client
asks with ``Prefer: handling=strict`` for an error on any unknown or unsupported
parameter, or with ``Prefer: handling=lenient`` for them to be ignored; without the
header the choice is the server's, and "the server SHALL return the parameters that were
actually used to process the search" in the Bundle's self link. Bulk Data's kick-off
follows the same rule (an unsupported parameter is an error unless ``handling=lenient``).

Tessera is strict unless the client asks for lenient handling: a misspelt filter
(``patinet=12``) ignored would hand back every patient the token may read instead of
one. Under either handling:

- a parameter given with an empty value is not used (FHIR: empty parameters are
  ignored);
- a parameter that may appear once, given twice, is refused (strict) or only its last
  value is used (lenient);
- ``_format`` other than JSON is refused (strict) or ignored (lenient: the answer is JSON).

``Search.used`` holds what was used, in the order asked; the self link is built from it.
"""

from __future__ import annotations

from django.http import HttpRequest

JSON_FORMATS = {"json", "application/json", "application/fhir+json"}
COMMON = frozenset({"_count", "_offset", "_format"})


class BadRequest(Exception):
    def __init__(self, where: str, what: str):
        super().__init__(what)
        self.where, self.what = where, what


def handling(request: HttpRequest) -> str:
    """Strict or lenient, from the Prefer header(s) (comma- or semicolon-separated
    preferences, as RFC 7240 writes them); strict when the client does not say."""
    prefer = request.headers.get("Prefer", "")
    for token in prefer.replace(";", ",").split(","):
        key, _eq, value = token.strip().partition("=")
        if key.strip().lower() == "handling" and value.strip().strip('"').lower() == "lenient":
            return "lenient"
    return "strict"


class Search:
    """The parameters of ``request`` that the endpoint uses.

    ``allowed``: the endpoint's own parameters (``COMMON`` is added unless ``common`` is
    False); ``repeatable``: those that may be given more than once."""

    def __init__(
        self,
        request: HttpRequest,
        allowed: set[str] | frozenset[str],
        *,
        repeatable: frozenset[str] = frozenset(),
        common: bool = True,
        what: str = "search parameter",
        where: str = "here",
    ):
        self.strict = handling(request) == "strict"
        self.ignored: list[str] = []
        self.used: dict[str, list[str]] = {}
        known = set(allowed) | (COMMON if common else set())
        for name, given in request.GET.lists():
            values = [value for value in given if value != ""]
            if not values:
                continue
            if name not in known:
                self._refuse(name, f"the {what} {name!r} is not supported {where}")
                continue
            if len(values) > 1 and name not in repeatable:
                self._refuse(name, f"{name} may be given only once")
                values = values[-1:]
            if name == "_format" and values[0] not in JSON_FORMATS:
                self._refuse(name, "only JSON (application/fhir+json) is answered")
                continue
            self.used[name] = values

    def _refuse(self, name: str, what: str) -> None:
        if self.strict:
            raise BadRequest(name, what)
        self.ignored.append(name)

    def get(self, name: str, default: str | None = None) -> str | None:
        values = self.used.get(name)
        return values[-1] if values else default

    def getlist(self, name: str) -> list[str]:
        return list(self.used.get(name, []))
