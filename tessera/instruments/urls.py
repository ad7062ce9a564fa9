from django.urls import path

from . import views

urlpatterns = [
    path("clinics/<slug:slug>/instruments/", views.instrument_list, name="clinic_instruments"),
    path(
        "clinics/<slug:slug>/instruments/<str:code>/wording/<str:lang>/",
        views.wording_edit,
        name="clinic_instrument_wording",
    ),
]
