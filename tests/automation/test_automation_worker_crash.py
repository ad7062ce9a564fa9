"""The issue's "done when": killing the worker in the middle of a run and restarting it
sends each reminder exactly once.

For real: reminders are enqueued to the database task backend (django_tasks_db), a
``manage.py db_worker`` subprocess works on the same SQLite test database file and
sends through Django's file-based e-mail backend, slowed so that the test can kill it
with SIGKILL while a delivery is in flight (row locked, transaction open, e-mail not yet
written). The killed task stays claimed ("running") for ever, and its notification
"sending"; the restarted worker runs the rest, and once the sending time-out has passed
the periodic sweep (enqueued as a task too) delivers the one the dead worker held. Every
recipient then has exactly one e-mail.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection, transaction

from tessera.core import actions as core_actions
from tessera.notifications.delivery import notify
from tessera.notifications.models import SENDING_TIMEOUT, Notification
from tests.conftest import make_clinic, make_patient

REPO = Path(__file__).resolve().parents[2]
N = 8
KILL_DURING = 4  # the worker is killed while it sends the 4th e-mail

WORKER_SETTINGS = """
import os
from tessera.settings import *  # noqa: F403

EMAIL_BACKEND = "crash_mail.SlowFileBackend"
EMAIL_FILE_PATH = os.environ["CRASH_TEST_MAIL_DIR"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
"""

SLOW_BACKEND = """
import os
import time
from pathlib import Path

from django.core.mail.backends import filebased


class SlowFileBackend(filebased.EmailBackend):
    '''Marks that a send has begun, then writes the e-mail to a file; the send that
    begins as the CRASH_TEST_SLOW_SEND-th waits CRASH_TEST_DELAY seconds first (the test
    kills the worker in that wait). The others need not wait: nobody kills them.'''

    def send_messages(self, messages):
        started = Path(os.environ["CRASH_TEST_MARK_DIR"])
        for message in messages:
            (started / f"{time.monotonic_ns()}-{message.to[0]}").touch()
        if len(list(started.iterdir())) == int(os.environ["CRASH_TEST_SLOW_SEND"]):
            time.sleep(float(os.environ["CRASH_TEST_DELAY"]))
        return super().send_messages(messages)
"""


# The audit table refuses deletes (core migration 0002), and so the flush with which a
# transactional test ends: drop the triggers just before it and put them back after.
@pytest.fixture
def flushable(flushable_audit_trail):
    """The worker commits, so the test ends with a flush of the audit rows too."""


@pytest.fixture
def worker_env(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the subprocess worker test shares the SQLite test database file")
    (tmp_path / "py").mkdir()
    (tmp_path / "py" / "crash_worker_settings.py").write_text(WORKER_SETTINGS)
    (tmp_path / "py" / "crash_mail.py").write_text(SLOW_BACKEND)
    mail_dir, mark_dir = tmp_path / "mail", tmp_path / "started"
    mail_dir.mkdir()
    mark_dir.mkdir()
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="crash_worker_settings",
        PYTHONPATH=os.pathsep.join([str(tmp_path / "py"), str(REPO)]),
        DATABASE_URL=f"sqlite:///{connection.settings_dict['NAME']}",
        CRASH_TEST_MAIL_DIR=str(mail_dir),
        CRASH_TEST_MARK_DIR=str(mark_dir),
        # Only the send the test kills waits, and long enough that a loaded machine's
        # test process notices it began and kills the worker before it ends (decision
        # 0086: every send waited 1 s before, 8 of the test's 12 s).
        CRASH_TEST_SLOW_SEND=str(KILL_DURING),
        CRASH_TEST_DELAY="30",
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env, mail_dir, mark_dir


def start_worker(env, log):
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.05", "--no-startup-delay"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_for(condition, timeout=60.0, what=""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def sent_to(mail_dir: Path) -> Counter:
    counts = Counter()
    for file in mail_dir.iterdir():
        for line in file.read_text().splitlines():
            if line.startswith("To: "):
                counts[line[4:].strip()] += 1
    return counts


def test_killing_the_worker_mid_run_sends_each_reminder_once(
    flushable, worker_env, settings, tmp_path
):
    from django_tasks_db.models import DBTaskResult

    env, mail_dir, mark_dir = worker_env
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    region = core_actions.do_create_region(name="Crash Region", country="SE")
    clinic = make_clinic(region, "crash")
    users = [make_patient(clinic, f"p{i}@crash.test")[0].user for i in range(N)]
    with transaction.atomic():  # the reminders, enqueued to the database queue on commit
        for i, user in enumerate(users):
            notify(
                user, "reminder_questionnaire", key=f"reminder:due:{i}", link="/me/questionnaires/"
            )
    assert DBTaskResult.objects.count() == N
    assert Notification.objects.filter(state="intended").count() == N

    log = (tmp_path / "worker.log").open("w")
    worker = start_worker(env, log)
    try:
        # Kill it while the KILL_DURING-th delivery is in flight: its send has begun
        # (the row is locked in an open transaction) but the e-mail is not written yet.
        wait_for(lambda: len(list(mark_dir.iterdir())) >= KILL_DURING, what="sends to begin")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    sent_before = sent_to(mail_dir)
    assert sum(sent_before.values()) == KILL_DURING - 1  # the 4th was in flight
    assert Notification.objects.filter(state="sent").count() == KILL_DURING - 1
    assert Notification.objects.filter(state="intended").count() == N - KILL_DURING
    # the one in flight was claimed ("sending", committed before the mail server was
    # called): nobody sends it while it may still be in flight; after SENDING_TIMEOUT the
    # sweep sends it again (here the clock is moved past that by back-dating the claim)
    (in_doubt,) = Notification.objects.filter(state="sending")
    Notification.objects.filter(pk=in_doubt.pk).update(
        claimed_at=in_doubt.claimed_at - SENDING_TIMEOUT
    )
    stuck = DBTaskResult.objects.filter(status="RUNNING")
    assert stuck.count() == 1  # claimed by the dead worker: never run again by itself

    # Restart, with the periodic sweep queued as the production cron would queue it.
    from tessera.automation.tasks import automation_sweep

    automation_sweep.enqueue()
    worker = start_worker(env, log)
    try:
        wait_for(
            lambda: (
                Notification.objects.filter(state="sent").count() == N
                and not DBTaskResult.objects.filter(status__in=["READY"]).exists()
            ),
            what="every reminder to be sent",
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()
    counts = sent_to(mail_dir)
    assert counts == Counter({user.email: 1 for user in users}), (
        tmp_path / "worker.log"
    ).read_text()
    attempts = {n.pk: n.attempts for n in Notification.objects.all()}
    assert attempts == {pk: 2 if pk == in_doubt.pk else 1 for pk in attempts}
