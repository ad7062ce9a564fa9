"""Research: study staff's pages (the world's researcher is the investigator of a running
study at the clinic) and the patient's own study pages (the world's patient is invited).

The study roles themselves (coordinator, blinded outcome assessor) have their own matrix
in tests/research/test_research_access.py."""

from tests.access_rows.base import PATIENTS, STAFF, Row, everyone, only

INVESTIGATOR = ["researcher"]


def setup(world):
    from tessera.research import actions
    from tests.research.fixtures import build_study

    ns = build_study(world)
    world.study = ns.study
    world.study_participant = actions.do_invite(ns.study, world.episode, acting_user=ns.coordinator)
    world.study_consent = ns.consent_en


def _study(w):
    return {"pk": w.study.pk}


def _participant(w):
    return {"pk": w.study_participant.pk}


def _post(data=None, kwargs=_study):
    return Row(only(INVESTIGATOR, ok="redirect"), method="post", data=data or {}, kwargs=kwargs)


def _mine(data=None):
    expect = everyone("deny", anon="login", staff_no_mfa="mfa", patient="redirect")
    return Row(expect, method="post", data=data or {}, kwargs=_participant)


def _coordinator(w):
    return w.study.members.get(role="coordinator").pk


def _application(w):
    return {"pk": w.intake_draft.pk}  # the world's patient's draft (rows of intake)


def _application_study(w):
    return {"pk": w.intake_draft.pk, "study_id": w.study.pk}


def _applicant_post():
    expect = everyone("deny", anon="login", staff_no_mfa="mfa", patient="redirect")
    return Row(expect, method="post", kwargs=_application_study)


ROWS: dict[str, Row] = {
    "application_studies": Row(
        everyone("deny", anon="login", staff_no_mfa="mfa", patient="ok"), kwargs=_application
    ),
    "application_study_consent": _applicant_post(),
    "application_study_decline": _applicant_post(),
    "study_list": Row(only(STAFF)),
    "study_create": Row(only(INVESTIGATOR)),
    "study_detail": Row(only(INVESTIGATOR), kwargs=_study),
    # the world's study is recruiting: its investigator is sent back to the study page
    "study_edit": Row(only(INVESTIGATOR, ok="redirect"), kwargs=_study),
    "study_member_remove": _post(kwargs=lambda w: _study(w) | {"member_id": _coordinator(w)}),
    "study_extend": _post({"stratum": "all", "places": 2}),
    "study_arm_save": _post(
        {"code": "x", "label": "X", "care_model": "guided", "guidance": "unguided", "ratio": 1}
    ),
    "study_measure_add": _post({"instrument": "GAD-7", "time_point": "post", "days": 56}),
    "study_member_add": _post({"email": "nobody@x.test", "role": "coordinator"}),
    "study_consent_publish": _post({"language": "en", "text": "New text"}),
    "study_open": _post(),
    "study_close": _post(),
    "study_participants": Row(only(INVESTIGATOR), kwargs=_study),
    "study_consort": Row(only(INVESTIGATOR), kwargs=_study),
    "study_export": Row(only(INVESTIGATOR), kwargs=_study),
    "participant_detail": Row(only(INVESTIGATOR), kwargs=_participant),
    "participant_confirm": _post(kwargs=_participant),
    "participant_exclude": _post({"ex-reason": "other", "ex-note": "matrix"}, kwargs=_participant),
    "participant_discontinue": _post({"dc-reason": "lost_to_follow_up"}, kwargs=_participant),
    "participant_unblind": _post({"ub-reason": "matrix"}, kwargs=_participant),
    "participant_deviation": _post({"dv-description": "matrix"}, kwargs=_participant),
    "my_studies": Row(only(PATIENTS)),
    "my_study_consent": Row(
        everyone("deny", anon="login", staff_no_mfa="mfa", patient="redirect"),
        method="post",
        kwargs=_participant,
        per_kind=True,
    ),
    "my_study_decline": _mine(),
    "my_study_withdraw": _mine({"choice": "stop_new_data"}),
}
