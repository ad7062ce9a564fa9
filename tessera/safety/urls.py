from django.urls import path

from .views import alerts as views
from .views import plans as plan_views

urlpatterns = [
    path("alerts/", views.alert_list, name="risk_alerts"),
    path("alerts/<id:pk>/", views.alert_detail, name="risk_alert"),
    path("alerts/<id:pk>/acknowledge/", views.alert_acknowledge, name="risk_alert_acknowledge"),
    path("alerts/<id:pk>/resolve/", views.alert_resolve, name="risk_alert_resolve"),
    path("episodes/<id:episode_id>/concern/", views.raise_concern, name="raise_concern"),
    path("me/safety-plan/", plan_views.my_safety_plan, name="my_safety_plan"),
    path(
        "episodes/<id:episode_id>/safety-plan/",
        plan_views.episode_safety_plan,
        name="episode_safety_plan",
    ),
]
