"""The flush that ends a test that commits (decision 0055): it keeps the content types
and permissions `migrate` wrote, as they were, and the audit trail's triggers come back
through post_migrate as before. It keeps the identity counters `migrate` wrote too
(decision 0089): without them a later test's signed-in person is never kept."""

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.models.signals import post_migrate

from tessera.core import identity
from tessera.core.models import IdentityVersion
from tests.conftest import _AUDIT_TRIGGERS, _RESTORE_UID, _restore_audit_triggers


def _audit_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {name for (name,) in cursor.fetchall() if name.startswith("audit_no_")}


def _flush_as_a_committing_test_ends(check=lambda: True) -> None:
    """What the end of a committing test does: triggers off, flush, post_migrate."""
    core = apps.get_app_config("core")
    post_migrate.connect(
        _restore_audit_triggers, sender=core, weak=False, dispatch_uid=_RESTORE_UID
    )
    with connection.schema_editor() as editor:
        _AUDIT_TRIGGERS.backwards(apps, editor)
    assert check()
    call_command("flush", interactive=False, verbosity=0)


def test_the_flush_keeps_what_migrate_wrote_and_puts_the_audit_triggers_back(
    flushable_audit_trail,
):
    kinds = set(ContentType.objects.values_list("id", "app_label", "model"))
    permissions = set(Permission.objects.values_list("id", "content_type_id", "codename"))
    triggers = _audit_triggers()
    assert triggers and permissions
    _flush_as_a_committing_test_ends(check=lambda: not _audit_triggers())

    assert set(ContentType.objects.values_list("id", "app_label", "model")) == kinds
    assert set(Permission.objects.values_list("id", "content_type_id", "codename")) == permissions
    ContentType.objects.clear_cache()
    ContentType.objects.get_for_models(*apps.get_models())  # every model has its row
    assert ContentType.objects.count() == len(kinds)
    assert _audit_triggers() == triggers


def test_the_flush_keeps_the_identity_counters_so_a_later_request_is_kept(
    flushable_audit_trail,
):
    """Every login's bucket still has its counter after the flush that ends a committing
    test, so the next test in the process finds the person kept (decision 0089)."""
    assert IdentityVersion.objects.count() == identity.BUCKETS
    _flush_as_a_committing_test_ends()

    assert sorted(IdentityVersion.objects.values_list("bucket", flat=True)) == list(
        range(identity.BUCKETS)
    )
    assert identity.current_version(12345) is not None
