"""A load test of Tessera's signed-in pages (issue 16), for locust.

    pip install -e '.[load]'          # locust is an optional extra, not in dev
    python bench/load.py --users 20 --seconds 30     # serve, sign in, run, report

``bench/load.py`` starts the app server(s), writes the signed-in sessions to a JSON file
and runs locust headless against them; it is the documented way to run this file. By
hand, against servers you started yourself::

    TESSERA_LOAD_SESSIONS=sessions.json locust -f bench/locustfile.py --headless \\
        --host http://127.0.0.1:8101 -u 20 -r 20 -t 30s PatientUser ClinicianUser

The sessions file holds ``{"patient": [cookie, ...], "clinician": [...]}``: session keys
made for the demo's patients and therapists (with the password and the second factor
recorded, as after a real sign-in). Signing in through the forms would test the password
hash, which is slow on purpose, not the pages.

Users (pick them by class name on the command line):

- ``PatientUser``: the patient home, now and then the messages and questionnaires;
- ``ClinicianUser``: the staff home, the inbox and the patient list;
- ``BareUser``: a bare signed-in Django view (``/bench/bare/``, served by
  ``bench/bench_wsgi.py``): the floor the other pages are compared with;
- ``PatientBareUser``: the same bare view with the patients' sessions, the floor the
  patient home is compared with (the same users as ``PatientHomeUser``);
- ``PatientHomeUser`` and ``InboxUser``: one page each, for ratios against the bare view.

``TESSERA_LOAD_HOSTS`` (comma-separated base URLs) spreads the users over several app
servers, taking turns; without it every user uses ``--host``.
"""

from __future__ import annotations

import itertools
import json
import os

from locust import HttpUser, between, task

SESSION_COOKIE = os.environ.get("TESSERA_LOAD_COOKIE", "sessionid")
_sessions: dict[str, list[str]] | None = None
_turns: dict[str, itertools.cycle] = {}
_hosts = itertools.cycle(
    [h for h in os.environ.get("TESSERA_LOAD_HOSTS", "").split(",") if h] or [None]
)


def _next_session(kind: str) -> str:
    global _sessions
    if _sessions is None:
        with open(os.environ["TESSERA_LOAD_SESSIONS"]) as f:
            _sessions = json.load(f)
    if kind not in _turns:
        _turns[kind] = itertools.cycle(_sessions[kind])
    return next(_turns[kind])


class _SignedIn(HttpUser):
    abstract = True
    kind = "patient"
    wait_time = between(0, 0)  # as fast as the server answers: a throughput test

    def on_start(self):
        host = next(_hosts)
        if host:
            self.client.base_url = host
        self.client.cookies.set(SESSION_COOKIE, _next_session(self.kind))

    def page(self, url: str, name: str | None = None):
        with self.client.get(url, name=name or url, catch_response=True) as response:
            # A signed-out user is sent to the sign-in page: that is an error here.
            if response.status_code != 200 or "/accounts/login/" in response.url:
                response.failure(f"{response.status_code} {response.url}")


class PatientUser(_SignedIn):
    kind = "patient"

    @task(8)
    def home(self):
        self.page("/", "patient home")

    @task(1)
    def messages(self):
        self.page("/me/messages/", "patient messages")

    @task(1)
    def questionnaires(self):
        self.page("/me/questionnaires/", "patient questionnaires")


class ClinicianUser(_SignedIn):
    kind = "clinician"

    @task(4)
    def home(self):
        self.page("/", "staff home")

    @task(4)
    def inbox(self):
        self.page("/inbox/", "inbox")

    @task(2)
    def patients(self):
        self.page("/patients/", "patient list")


class BareUser(_SignedIn):
    kind = "clinician"

    @task
    def bare(self):
        self.page("/bench/bare/", "bare signed-in view")


class PatientBareUser(_SignedIn):
    """The bare view requested by the patients' sessions: the patient home's floor."""

    kind = "patient"

    @task
    def bare(self):
        self.page("/bench/bare/", "bare signed-in view")


class PatientHomeUser(_SignedIn):
    kind = "patient"

    @task
    def home(self):
        self.page("/", "patient home")


class InboxUser(_SignedIn):
    kind = "clinician"

    @task
    def inbox(self):
        self.page("/inbox/", "inbox")
