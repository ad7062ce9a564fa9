from django.urls import path

from . import views

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/worksheets/<int:answer_id>/seen/", views.worksheet_seen, name="worksheet_seen"),
    path("episodes/<int:episode_id>/", views.episode_overview, name="episode_overview"),
    path("episodes/<int:episode_id>/notes/", views.note_add, name="clinical_note_add"),
]
