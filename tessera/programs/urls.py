from django.urls import include, path

urlpatterns = [
    path("", include("tessera.programs.urls_authoring")),
    path("", include("tessera.programs.urls_packages")),
    path("", include("tessera.programs.urls_eligibility")),
]
