"""Writes of treatment: atomic and audited, one module per concept.

- ``episodes``: episodes of care and their measures;
- ``plans``: the patient's plan and their work in it;
- ``diary``: diary entries (homework registered during the week);
- ``schedule``: a clinic's measurement schedule and risk thresholds.

The public functions are re-exported here, so ``from tessera.treatment import actions`` then
``actions.do_...`` reads as before.
"""

from .diary import (
    do_correct_diary_entry,
    do_register_diary_entry,
)
from .episodes import (
    AlreadySubmitted,
    EarlierAnswer,
    PastAnswers,
    do_cancel_occasions,
    do_note_therapist_first_look,
    do_open_episode,
    do_reschedule_for_switch,
    do_save_draft,
    do_schedule_before_module,
    do_schedule_occasion,
    do_schedule_programme_measures,
    do_send_late_risk_answers,
    do_start_treatment,
    do_submit_past_responses,
    do_submit_response,
    draft_answers,
    episode_rules,
)
from .plans import (
    do_add_module,
    do_complete_module,
    do_complete_modules,
    do_follow_language,
    do_mark_module_answered,
    do_move_module,
    do_move_to_newest_version,
    do_open_module_now,
    do_remove_module,
    do_save_worksheet,
    do_seed_plan,
    do_set_unlock_date,
    do_submit_worksheet,
    do_switch_programme,
    mark_started,
    record_step_seen,
)
from .schedule import (
    do_add_measure_rule,
    do_remove_measure_rule,
    do_set_risk_threshold,
    risk_overrides,
)

__all__ = [
    "do_mark_module_answered",
    "do_note_therapist_first_look",
    "do_open_episode",
    "episode_rules",
    "do_reschedule_for_switch",
    "do_schedule_programme_measures",
    "do_schedule_before_module",
    "do_schedule_occasion",
    "do_cancel_occasions",
    "do_start_treatment",
    "do_save_draft",
    "draft_answers",
    "AlreadySubmitted",
    "PastAnswers",
    "do_submit_past_responses",
    "EarlierAnswer",
    "do_submit_response",
    "do_send_late_risk_answers",
    "do_seed_plan",
    "do_add_module",
    "do_remove_module",
    "do_move_module",
    "do_set_unlock_date",
    "do_open_module_now",
    "do_follow_language",
    "do_move_to_newest_version",
    "do_switch_programme",
    "mark_started",
    "record_step_seen",
    "do_save_worksheet",
    "do_submit_worksheet",
    "do_complete_module",
    "do_complete_modules",
    "do_register_diary_entry",
    "do_correct_diary_entry",
    "do_add_measure_rule",
    "do_remove_measure_rule",
    "risk_overrides",
    "do_set_risk_threshold",
]
