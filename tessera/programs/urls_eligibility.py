from django.urls import path

from .views import eligibility as views

urlpatterns = [
    path("clinics/<slug:slug>/programmes/", views.clinic_programmes, name="clinic_programmes"),
    path(
        "clinics/<slug:slug>/programmes/<id:pk>/eligibility/",
        views.clinic_programme_eligibility,
        name="clinic_programme_eligibility",
    ),
    path(
        "clinics/<slug:slug>/programmes/<id:pk>/eligibility/reset/",
        views.clinic_programme_eligibility_reset,
        name="clinic_programme_eligibility_reset",
    ),
]
