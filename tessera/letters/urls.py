from django.urls import path

from . import views

urlpatterns = [
    path("episodes/<int:episode_id>/letters/", views.episode_letters, name="episode_letters"),
    path("episodes/<int:episode_id>/letters/write/", views.letter_write, name="letter_write"),
    path("letters/<int:pk>/", views.letter_detail, name="letter_detail"),
    path("letters/<int:pk>/pdf/", views.letter_pdf, name="letter_pdf"),
]
