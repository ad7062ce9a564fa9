from django.urls import path

from .views import applicant, participants, patient, studies

urlpatterns = [
    path("research/", studies.study_list, name="study_list"),
    path("research/new/", studies.study_create, name="study_create"),
    path("research/<id:pk>/", studies.study_detail, name="study_detail"),
    path("research/<id:pk>/edit/", studies.study_edit, name="study_edit"),
    path(
        "research/<id:pk>/staff/<id:member_id>/remove/",
        studies.study_member_remove,
        name="study_member_remove",
    ),
    path("research/<id:pk>/sequence/extend/", studies.study_extend, name="study_extend"),
    path("research/<id:pk>/arms/", studies.study_arm_save, name="study_arm_save"),
    path("research/<id:pk>/measures/", studies.study_measure_add, name="study_measure_add"),
    path("research/<id:pk>/staff/", studies.study_member_add, name="study_member_add"),
    path("research/<id:pk>/consent/", studies.study_consent_publish, name="study_consent_publish"),
    path("research/<id:pk>/open/", studies.study_open, name="study_open"),
    path("research/<id:pk>/close/", studies.study_close, name="study_close"),
    path(
        "research/<id:pk>/participants/",
        participants.study_participants,
        name="study_participants",
    ),
    path("research/<id:pk>/consort/", participants.study_consort, name="study_consort"),
    path("research/<id:pk>/export/", participants.study_export, name="study_export"),
    path(
        "research/participants/<id:pk>/",
        participants.participant_detail,
        name="participant_detail",
    ),
    path(
        "research/participants/<id:pk>/confirm/",
        participants.participant_confirm,
        name="participant_confirm",
    ),
    path(
        "research/participants/<id:pk>/exclude/",
        participants.participant_exclude,
        name="participant_exclude",
    ),
    path(
        "research/participants/<id:pk>/discontinue/",
        participants.participant_discontinue,
        name="participant_discontinue",
    ),
    path(
        "research/participants/<id:pk>/unblind/",
        participants.participant_unblind,
        name="participant_unblind",
    ),
    path(
        "research/participants/<id:pk>/deviation/",
        participants.participant_deviation,
        name="participant_deviation",
    ),
    path("apply/<id:pk>/research/", applicant.application_studies, name="application_studies"),
    path(
        "apply/<id:pk>/research/<id:study_id>/consent/",
        applicant.application_study_consent,
        name="application_study_consent",
    ),
    path(
        "apply/<id:pk>/research/<id:study_id>/decline/",
        applicant.application_study_decline,
        name="application_study_decline",
    ),
    path("me/studies/", patient.my_studies, name="my_studies"),
    path("me/studies/<id:pk>/consent/", patient.my_study_consent, name="my_study_consent"),
    path("me/studies/<id:pk>/decline/", patient.my_study_decline, name="my_study_decline"),
    path("me/studies/<id:pk>/withdraw/", patient.my_study_withdraw, name="my_study_withdraw"),
]
