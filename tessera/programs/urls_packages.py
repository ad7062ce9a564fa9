from django.urls import path

from .views import packages as views_packages

urlpatterns = [
    path("library/import/", views_packages.package_import, name="package_import"),
    path(
        "library/programmes/<id:pk>/export/",
        views_packages.programme_export,
        name="programme_export",
    ),
]
