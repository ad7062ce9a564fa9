from django.urls import path

from .views import requests, supervision

urlpatterns = [
    path("consultations/", requests.asked_of_me, name="consultation_list"),
    path("consultations/mine/", requests.asked_by_me, name="consultation_mine"),
    path("consultations/ask/<id:episode_id>/", requests.ask, name="consultation_ask"),
    path("consultations/<id:pk>/", requests.detail, name="consultation_detail"),
    path("consultations/<id:pk>/comment/", requests.comment, name="consultation_comment"),
    path("consultations/<id:pk>/end/", requests.end, name="consultation_end"),
    path("supervision/", supervision.case_list, name="supervision_list"),
    path("supervision/cases/<id:episode_id>/", supervision.case, name="supervision_case"),
    path(
        "supervision/cases/<id:episode_id>/follow/", supervision.follow, name="supervision_follow"
    ),
    path(
        "supervision/cases/<id:episode_id>/unfollow/",
        supervision.unfollow,
        name="supervision_unfollow",
    ),
]
