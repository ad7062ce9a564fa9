from django.urls import path

from . import views

urlpatterns = [
    path("episodes/<id:episode_id>/letters/", views.episode_letters, name="episode_letters"),
    path("episodes/<id:episode_id>/letters/write/", views.letter_write, name="letter_write"),
    path("letters/<id:pk>/", views.letter_detail, name="letter_detail"),
    path("letters/<id:pk>/pdf/", views.letter_pdf, name="letter_pdf"),
]
