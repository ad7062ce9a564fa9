"""Time and workload: own figures, the team page, an episode's time and its heartbeat."""

from tests.access_rows.base import CLINIC_WIDE, Row, only

EPISODE_STAFF = CLINIC_WIDE + ["therapist"]
THERAPISTS = ["therapist", "colleague", "other_therapist"]

ROWS: dict[str, Row] = {
    "my_workload": Row(only(THERAPISTS + ["supervisor", "manager", "other_manager"])),
    "team_workload": Row(only(["supervisor", "manager"]), kwargs=lambda w: {"slug": "alpha"}),
    "episode_time": Row(only(EPISODE_STAFF), kwargs=lambda w: {"pk": w.episode.pk}),
    "time_heartbeat": Row(
        only(EPISODE_STAFF, ok="no_content"),
        method="post",
        kwargs=lambda w: {"pk": w.episode.pk},
    ),
}
