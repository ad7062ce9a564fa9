from django.urls import path

from . import views

urlpatterns = [
    path("episodes/<int:episode_id>/sessions/", views.episode_sessions, name="episode_sessions"),
    path(
        "episodes/<int:episode_id>/sessions/<int:pk>/record/",
        views.session_record,
        name="session_record",
    ),
    path(
        "episodes/<int:episode_id>/sessions/<int:pk>/cancel/",
        views.session_cancel,
        name="session_cancel",
    ),
    path(
        "episodes/<int:episode_id>/care-model/",
        views.care_model_change,
        name="care_model_change",
    ),
    path(
        "episodes/<int:episode_id>/sessions/<int:pk>/request-handled/",
        views.session_request_handled,
        name="session_request_handled",
    ),
    path("me/sessions/", views.my_sessions, name="my_sessions"),
    path("me/sessions/<int:pk>/change/", views.my_session_change, name="my_session_change"),
    path(
        "me/sessions/<int:pk>/calendar.ics", views.my_session_calendar, name="my_session_calendar"
    ),
]
