from django.urls import path

from . import views

urlpatterns = [
    path("workload/", views.my_workload, name="my_workload"),
    path("workload/clinics/<slug:slug>/", views.team_workload, name="team_workload"),
    path("workload/episodes/<id:pk>/", views.episode_time, name="episode_time"),
    path("workload/episodes/<id:pk>/heartbeat/", views.heartbeat, name="time_heartbeat"),
]
