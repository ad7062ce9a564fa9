"""Production settings, the health check, headers, and the demo data command."""

import gc
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tessera.core.models import AuditEvent, Clinic, Patient, User

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "TESSERA_HTTPS": "1",
    "TESSERA_SECRET_KEY": "x" * 30 + "a-production-like-secret-key-0123456789",
    "TESSERA_ALLOWED_HOSTS": "tessera.example.org",
    "DATABASE_URL": "postgres://tessera@127.0.0.1:5432/tessera",
}


def _check_deploy(extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TESSERA_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(PRODUCTION_ENV | extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_deploy_checks_pass_with_the_production_environment():
    result = _check_deploy({})
    assert result.returncode == 0, result.stderr


def test_the_deploy_checks_refuse_demo_mode():
    result = _check_deploy({"TESSERA_DEMO": "1"})
    assert result.returncode != 0
    assert "tessera.E001" in result.stderr


def test_the_deploy_checks_refuse_the_public_development_key():
    from tessera.settings import _INSECURE_KEY

    result = _check_deploy({"TESSERA_SECRET_KEY": _INSECURE_KEY})
    assert result.returncode != 0
    assert "tessera.E003" in result.stderr


def _database_settings(extra):
    """DATABASES["default"]'s connection settings as a process with this environment
    (the production one, and ``extra``) reads them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TESSERA_")}
    env.update(PRODUCTION_ENV | extra)
    code = (
        "import json, tessera.settings as s; d = s.DATABASES['default']; "
        "print(json.dumps([d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS']]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip().splitlines()[-1].replace(" ", "")


def test_production_keeps_database_connections_and_checks_them_before_reuse():
    """Issue 16: persistent connections in production (a minute by default, or as set),
    each checked before it is reused; none kept in development."""
    assert _database_settings({}) == "[60,true]"
    assert _database_settings({"TESSERA_DB_CONN_MAX_AGE": "300"}) == "[300,true]"
    assert _database_settings({"TESSERA_HTTPS": "0"}) == "[0,true]"


def test_a_loaded_worker_keeps_its_start_up_objects_out_of_full_collections():
    """Decision 0081: ``tessera.wsgi`` loads the URLconf (the views) and freezes what is
    alive then, so the collector's full collections no longer walk it (they took about
    80 ms each); objects made afterwards are collected as before."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TESSERA_")}
    env.update(PRODUCTION_ENV)
    code = (
        "import gc, json, sys, tessera.wsgi; frozen = gc.get_freeze_count(); "
        "cycle = []; cycle.append(cycle); del cycle; "
        "print(json.dumps([frozen, 'tessera.portal.views.pages' in sys.modules, "
        "gc.collect() >= 1, gc.isenabled(), gc.get_threshold()]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    frozen, views_loaded, new_cycles_collected, enabled, thresholds = json.loads(
        result.stdout.strip().splitlines()[-1]
    )
    assert frozen > 50_000  # Django and the apps: about 190,000
    assert views_loaded  # the URLconf's views, loaded before the first request
    assert new_cycles_collected and enabled  # the requests' garbage still collected
    assert thresholds == list(gc.get_threshold())  # Python's own thresholds


def test_healthz_checks_the_database(client, db):
    response = client.get(reverse("healthz"))
    assert response.json() == {"status": "degraded", "database": "ok", "sweep": "never"}


def test_the_favicon_is_served_at_the_root_and_linked_from_every_page(client, db):
    # Browsers ask for /favicon.ico whatever a page links to; it used to answer 404.
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert 'rel="icon" href="/static/tessera/favicon.ico"' in client.get(reverse("home")).text


def test_pages_carry_a_strict_content_security_policy(client, db):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_templates_have_no_inline_scripts_or_styles():
    offenders = []
    for path in (ROOT / "tessera").rglob("templates/**/*.html"):
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text):
            offenders.append(f"{path}: inline script")
        if re.search(r"\sstyle=|<style", text) or re.search(r"\son[a-z]+=", text):
            offenders.append(f"{path}: inline style or handler")
    assert not offenders


def test_pages_name_their_language_and_have_a_skip_link(client, db):
    text = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in text
    assert 'href="#main"' in text
    assert '<main id="main"' in text


def test_the_demo_loads_once_and_again_without_duplicates(seeded_demo, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "therapist@demo.tessera.test" in out
    assert "tessera-demo-2026" in out
    counts = (User.objects.count(), Patient.objects.count(), Clinic.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Patient.objects.count(), Clinic.objects.count()) == counts
    assert Clinic.objects.count() == 5
    assert Clinic.objects.filter(offers_unguided=True, staff_roles__role="therapist").count() == 0
    call_command("verify_audit_trail")
    assert AuditEvent.objects.filter(action="clinic.created").count() == 5


def test_the_demos_history_sends_no_e_mail_over_the_logins(
    db, settings, monkeypatch, capsys, caplog
):
    """What the seed's actions send (over a hundred e-mails in demo mode's console) is
    held and counted, its log lines below warnings not shown; the logins are the last
    thing printed."""
    from django.core import mail
    from django.core.mail import send_mail

    from tessera.core.demo import Login
    from tessera.portal import demo

    settings.DEMO = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    before = list(mail.outbox)

    def seed():
        send_mail("Tessera: You have a new message", "Sign in to read it.", None, ["p@x.test"])
        logging.getLogger("tessera.notifications").info("notification.sent id=1")
        logging.getLogger("tessera.notifications").warning("notification.failed id=2")
        return [Login("therapist@demo.tessera.test", "Therapist", True)]

    monkeypatch.setattr(demo, "seed", seed)
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "Subject:" not in out
    assert "therapist@demo.tessera.test" in out
    assert out.rstrip().endswith(
        "would have sent 1 e-mail; not sent. E-mails from now on are shown here."
    )
    assert len(mail.outbox) == len(before) + 1  # a test's outbox still sees it
    # The history's INFO lines are not shown; its warnings are, and logging is as before.
    assert [r.getMessage() for r in caplog.records] == ["notification.failed id=2"]
    logging.getLogger("tessera.notifications").info("after the seed")
    assert caplog.records[-1].getMessage() == "after the seed"


def test_the_demo_refuses_to_load_outside_demo_mode(db, settings):
    settings.DEMO = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    with pytest.raises(CommandError):
        call_command("demo_totp")
