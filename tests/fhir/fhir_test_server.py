"""A small FHIR server for the tests, run as its own process on a local port:

    python tests/fhir/fhir_test_server.py     # prints "PORT <n>" once it listens

``POST /DocumentReference`` validates the body with fhir.resources (R4B) — 400 with an
OperationOutcome if it does not — and stores it, honouring ``If-None-Exist:
identifier=<system>|<value>`` (a conditional create: 200 with the stored one when a
resource with that identifier exists, 201 otherwise). ``GET /DocumentReference`` lists
what it holds (a searchset Bundle). ``POST /_fail/<n>`` makes the next n requests
answer 503, to test retries."""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from fhir.resources.R4B.documentreference import DocumentReference
from pydantic import ValidationError

STORE: list[dict] = []
FAILURES = {"left": 0}
LOCK = threading.Lock()


def _identifiers(resource: dict) -> set[str]:
    found = set()
    for identifier in [resource.get("masterIdentifier"), *resource.get("identifier", [])]:
        if identifier:
            found.add(f"{identifier.get('system')}|{identifier.get('value')}")
    return found


class Handler(BaseHTTPRequestHandler):
    def _answer(self, status: int, data: dict | None = None, **headers) -> None:
        body = json.dumps(data or {}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/fhir+json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802
        with LOCK:
            entries = [{"resource": resource} for resource in STORE]
        self._answer(200, {"resourceType": "Bundle", "type": "searchset", "entry": entries})

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(length)
        if self.path.startswith("/_fail/"):
            FAILURES["left"] = int(self.path.rsplit("/", 1)[1])
            return self._answer(204)
        with LOCK:
            if FAILURES["left"] > 0:
                FAILURES["left"] -= 1
                return self._answer(503, {"resourceType": "OperationOutcome", "issue": []})
        if self.path != "/DocumentReference":
            return self._answer(404)
        try:
            resource = DocumentReference.model_validate_json(raw).model_dump(
                mode="json", exclude_none=True
            )
        except ValidationError as exc:
            outcome = {
                "resourceType": "OperationOutcome",
                "issue": [{"severity": "error", "code": "invalid", "diagnostics": str(exc)[:500]}],
            }
            return self._answer(400, outcome)
        wanted = self.headers.get("If-None-Exist", "").removeprefix("identifier=")
        with LOCK:
            for stored in STORE:
                if wanted and wanted in _identifiers(stored):
                    return self._answer(200, stored, Location=f"DocumentReference/{stored['id']}")
            resource["id"] = str(len(STORE) + 1)
            STORE.append(resource)
        self._answer(201, resource, Location=f"DocumentReference/{resource['id']}")

    def log_message(self, *args):
        pass


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
