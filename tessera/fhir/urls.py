from django.urls import path, re_path

from . import api, record_views, referrals, sharing_views, views
from .bulk import views as bulk
from .smart import views as smart

urlpatterns = [
    path("fhir/metadata", referrals.metadata, name="fhir_metadata"),
    path(
        "fhir/.well-known/smart-configuration",
        smart.smart_configuration,
        name="fhir_smart_configuration",
    ),
    path("fhir/auth/token", smart.token, name="fhir_token"),
    path("fhir/$export", bulk.export_all, name="fhir_export"),
    path("fhir/Group/<slug:slug>/$export", bulk.export_group, name="fhir_group_export"),
    path("fhir/bulk/<uuid:job_id>", bulk.status, name="fhir_export_status"),
    path("fhir/bulk/<uuid:job_id>/<str:name>", bulk.export_file, name="fhir_export_file"),
    # Any digits (Django's int, not <id:>): a Patient id past the largest key is answered
    # by the view, a FHIR not-found with the refusal audited (api.LARGEST_ID).
    path("fhir/Patient/<int:pk>", api.patient_read, name="fhir_patient_read"),
    path("fhir/Patient/<int:pk>/$everything", api.patient_everything, name="fhir_everything"),
    path("fhir/EpisodeOfCare", api.episode_of_care_search, name="fhir_episode_search"),
    path("fhir/Observation", api.observation_search, name="fhir_observation_search"),
    path(
        "fhir/QuestionnaireResponse",
        api.questionnaire_response_search,
        name="fhir_questionnaire_response_search",
    ),
    path("fhir/ServiceRequest", referrals.service_request_create, name="fhir_service_request"),
    path(
        "fhir/ServiceRequest/<id:pk>",
        referrals.service_request_read,
        name="fhir_service_request_read",
    ),
    path("fhir/Questionnaire/<slug:slug>", views.questionnaire, name="fhir_questionnaire"),
    # Last of the FHIR base: whatever else is asked there gets an OperationOutcome.
    # [\s\S], not ".": a line feed in the path (%0A) is under the base too.
    re_path(r"^fhir/(?P<rest>[\s\S]*)\Z", api.not_found, name="fhir_not_found"),
    path(
        "patients/<id:pk>/responses/<id:response_id>/fhir/",
        views.response_bundle,
        name="response_fhir_bundle",
    ),
    path("episodes/<id:episode_id>/fhir/", record_views.episode_fhir, name="episode_fhir"),
    path(
        "clinics/<slug:slug>/health-records/",
        sharing_views.clinic_record_sharing,
        name="clinic_record_sharing",
    ),
    path("me/record/", record_views.my_record, name="my_record"),
    path("me/record/<id:episode_id>/fhir/", record_views.my_record_fhir, name="my_record_fhir"),
    path("me/record/<id:episode_id>/summary/", record_views.my_record_pdf, name="my_record_pdf"),
]
