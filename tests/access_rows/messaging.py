"""Messages between a patient and their care team, and notification settings."""

from tests.access_rows.base import CLINIC_WIDE, PATIENTS, Row, everyone, only

EPISODE_STAFF = CLINIC_WIDE + ["therapist"]

ROWS: dict[str, Row] = {
    "my_messages": Row(only(PATIENTS)),
    # An earlier course's conversation (decision 0151): world.episode is the course the
    # messages page shows, so its patient is sent there; tests/messaging/
    # test_earlier_courses.py walks an earlier one.
    "my_earlier_messages": Row(
        everyone("deny", anon="login", staff_no_mfa="mfa", patient="redirect"),
        kwargs=lambda w: {"episode_id": w.episode.pk},
    ),
    # The other open course's autosave (decision 0158): a patient's own course only.
    "my_earlier_messages_draft": Row(
        everyone("deny", anon="login", staff_no_mfa="mfa", patient="ok"),
        method="post",
        data={"body": "typing"},
        kwargs=lambda w: {"episode_id": w.episode.pk},
    ),
    "my_messages_draft": Row(only(PATIENTS), method="post", data={"body": "typing"}),
    "episode_messages": Row(only(EPISODE_STAFF), kwargs=lambda w: {"episode_id": w.episode.pk}),
    "episode_messages_draft": Row(
        only(EPISODE_STAFF),
        method="post",
        data={"body": "typing"},
        kwargs=lambda w: {"episode_id": w.episode.pk},
    ),
    "my_notifications": Row(only(PATIENTS)),
    # Issue 20: each person's own notification history (their own rows only).
    "my_notification_history": Row(everyone("ok", anon="login", staff_no_mfa="mfa")),
}
