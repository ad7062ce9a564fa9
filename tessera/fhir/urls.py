from django.urls import path

from . import referrals, views

urlpatterns = [
    path("fhir/metadata", referrals.metadata, name="fhir_metadata"),
    path("fhir/ServiceRequest", referrals.service_request_create, name="fhir_service_request"),
    path(
        "fhir/ServiceRequest/<int:pk>",
        referrals.service_request_read,
        name="fhir_service_request_read",
    ),
    path("fhir/Questionnaire/<slug:slug>", views.questionnaire, name="fhir_questionnaire"),
    path(
        "patients/<int:pk>/responses/<int:response_id>/fhir/",
        views.response_bundle,
        name="response_fhir_bundle",
    ),
]
