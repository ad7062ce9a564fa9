from django.urls import path

from . import views

urlpatterns = [
    path("episodes/<id:episode_id>/sessions/", views.episode_sessions, name="episode_sessions"),
    path(
        "episodes/<id:episode_id>/sessions/<id:pk>/record/",
        views.session_record,
        name="session_record",
    ),
    path(
        "episodes/<id:episode_id>/sessions/<id:pk>/cancel/",
        views.session_cancel,
        name="session_cancel",
    ),
    path(
        "episodes/<id:episode_id>/care-model/",
        views.care_model_change,
        name="care_model_change",
    ),
    path(
        "episodes/<id:episode_id>/sessions/<id:pk>/request-handled/",
        views.session_request_handled,
        name="session_request_handled",
    ),
    path("me/sessions/", views.my_sessions, name="my_sessions"),
    path("me/sessions/<id:pk>/change/", views.my_session_change, name="my_session_change"),
    path("me/sessions/<id:pk>/calendar.ics", views.my_session_calendar, name="my_session_calendar"),
]
