"""``manage.py failed_notifications`` reads the failed notifications in chunks, not all
at once (decision 0147): a day's outage of a mail or SMS provider fails every reminder
of the country, and the operators' command held them all in memory. Fails on the old
command (it iterated over the queryset, which reads every row into its cache)."""

from __future__ import annotations

from django.core.management import call_command

from tessera.notifications.models import Notification, NotificationQuerySet
from tests.notifications.test_failed_seen_by_someone import BROKEN, give_up


def test_the_operators_command_never_reads_every_row_at_once(
    client, world, settings, capsys, monkeypatch
):
    settings.EMAIL_BACKEND = BROKEN
    client.post("/accounts/password/reset/", {"email": "nobody@x.test"})
    give_up(Notification.objects.get(kind="account_mail"))

    def whole_list(queryset):
        raise AssertionError("every failed notification read into one list")

    monkeypatch.setattr(NotificationQuerySet, "_fetch_all", whole_list)
    call_command("failed_notifications")
    assert "1 failed notification(s) seen by no clinic or region." in capsys.readouterr().out
