from django.urls import path

from . import views

urlpatterns = [
    path("me/messages/", views.my_messages, name="my_messages"),
    path("me/messages/draft/", views.my_messages_draft, name="my_messages_draft"),
    path(
        "me/messages/earlier/<id:episode_id>/",
        views.my_earlier_messages,
        name="my_earlier_messages",
    ),
    path(
        "me/messages/earlier/<id:episode_id>/draft/",
        views.my_earlier_messages_draft,
        name="my_earlier_messages_draft",
    ),
    path("episodes/<id:episode_id>/messages/", views.episode_messages, name="episode_messages"),
    path(
        "episodes/<id:episode_id>/messages/draft/",
        views.episode_messages_draft,
        name="episode_messages_draft",
    ),
]
