from django.urls import path

from . import views

urlpatterns = [
    path("fhir/Questionnaire/<slug:slug>", views.questionnaire, name="fhir_questionnaire"),
    path(
        "patients/<int:pk>/responses/<int:response_id>/fhir/",
        views.response_bundle,
        name="response_fhir_bundle",
    ),
]
