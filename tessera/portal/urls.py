from django.urls import path

from .views import ending, overview, pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("c/", pages.clinic_directory, name="clinic_directory"),
    path("episodes/<id:episode_id>/", overview.episode_overview, name="episode_overview"),
    path("episodes/<id:episode_id>/notes/", overview.note_add, name="clinical_note_add"),
    path("episodes/<id:episode_id>/end/", ending.end_episode, name="end_episode"),
]
