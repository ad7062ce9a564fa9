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
    path("me/questionnaires/<int:pk>/", questionnaires.fill, name="questionnaire_fill"),
    path(
        "me/questionnaires/<int:pk>/draft/", questionnaires.autosave, name="questionnaire_autosave"
    ),
    path("me/questionnaires/<int:pk>/review/", questionnaires.review, name="questionnaire_review"),
    path("me/questionnaires/<int:pk>/done/", questionnaires.done, name="questionnaire_done"),
    path("me/progress/", progress.my_progress, name="my_progress"),
    path("me/modules/", workspace.my_plan, name="my_plan"),
    path("me/modules/<int:entry_id>/", workspace.module_reader, name="module_reader"),
    path(
        "me/modules/<int:entry_id>/steps/<int:position>/",
        workspace.worksheet_save,
        name="worksheet_save",
    ),
    path("me/modules/<int:entry_id>/complete/", workspace.module_complete, name="module_complete"),
    path(
        "me/modules/<int:entry_id>/homework/<int:position>/",
        diary.diary_register,
        name="diary_register",
    ),
    path(
        "me/modules/<int:entry_id>/homework/<int:position>/<int:diary_id>/",
        diary.diary_correct,
        name="diary_correct",
    ),
    path("patients/<int:pk>/plan/", plan.plan_page, name="plan"),
    path("patients/<int:pk>/plan/add/", plan.plan_add, name="plan_add"),
    path("patients/<int:pk>/plan/start/", plan.plan_start, name="plan_start"),
    path("patients/<int:pk>/plan/order/", plan.plan_reorder, name="plan_reorder"),
    path("patients/<int:pk>/plan/switch/", plan.plan_switch, name="plan_switch"),
    path(
        "patients/<int:pk>/plan/<int:entry_id>/<slug:operation>/",
        plan.plan_entry,
        name="plan_entry",
    ),
    path("patients/<int:pk>/measures/", progress.patient_measures, name="patient_measures"),
    path(
        "patients/<int:pk>/responses/<int:response_id>/",
        progress.response_detail,
        name="response_detail",
    ),
    path("clinics/<slug:slug>/measures/", clinic_measures.clinic_measures, name="clinic_measures"),
    path(
        "clinics/<slug:slug>/measures/<int:rule_id>/remove/",
        clinic_measures.clinic_measure_remove,
        name="clinic_measure_remove",
    ),
    path(
        "clinics/<slug:slug>/risk-thresholds/",
        clinic_measures.clinic_risk_threshold,
        name="clinic_risk_threshold",
    ),
]
