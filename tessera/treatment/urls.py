from django.urls import path

from .views import (
    clinic_measures,
    diary,
    plan,
    progress,
    questionnaires,
    workspace,
)

urlpatterns = [
    path("me/questionnaires/", questionnaires.my_questionnaires, name="my_questionnaires"),
    path("me/questionnaires/<id:pk>/", questionnaires.fill, name="questionnaire_fill"),
    path(
        "me/questionnaires/<id:pk>/draft/", questionnaires.autosave, name="questionnaire_autosave"
    ),
    path("me/questionnaires/<id:pk>/review/", questionnaires.review, name="questionnaire_review"),
    path("me/questionnaires/<id:pk>/done/", questionnaires.done, name="questionnaire_done"),
    path("me/progress/", progress.my_progress, name="my_progress"),
    path(
        "me/progress/earlier/<id:episode_id>/",
        progress.my_earlier_progress,
        name="my_earlier_progress",
    ),
    path("me/modules/", workspace.my_plan, name="my_plan"),
    path("me/modules/<id:entry_id>/", workspace.module_reader, name="module_reader"),
    path(
        "me/modules/<id:entry_id>/steps/<id:position>/",
        workspace.worksheet_save,
        name="worksheet_save",
    ),
    path("me/modules/<id:entry_id>/complete/", workspace.module_complete, name="module_complete"),
    path(
        "me/modules/<id:entry_id>/homework/<id:position>/",
        diary.diary_register,
        name="diary_register",
    ),
    path(
        "me/modules/<id:entry_id>/homework/<id:position>/<id:diary_id>/",
        diary.diary_correct,
        name="diary_correct",
    ),
    path("patients/<id:pk>/plan/", plan.plan_page, name="plan"),
    path("patients/<id:pk>/plan/add/", plan.plan_add, name="plan_add"),
    path("patients/<id:pk>/plan/start/", plan.plan_start, name="plan_start"),
    path("patients/<id:pk>/plan/order/", plan.plan_reorder, name="plan_reorder"),
    path("patients/<id:pk>/plan/switch/", plan.plan_switch, name="plan_switch"),
    path(
        "patients/<id:pk>/plan/<id:entry_id>/<slug:operation>/",
        plan.plan_entry,
        name="plan_entry",
    ),
    path("patients/<id:pk>/measures/", progress.patient_measures, name="patient_measures"),
    path(
        "patients/<id:pk>/responses/<id:response_id>/",
        progress.response_detail,
        name="response_detail",
    ),
    path("clinics/<slug:slug>/measures/", clinic_measures.clinic_measures, name="clinic_measures"),
    path(
        "clinics/<slug:slug>/measures/<id:rule_id>/remove/",
        clinic_measures.clinic_measure_remove,
        name="clinic_measure_remove",
    ),
    path(
        "clinics/<slug:slug>/risk-thresholds/",
        clinic_measures.clinic_risk_threshold,
        name="clinic_risk_threshold",
    ),
]
