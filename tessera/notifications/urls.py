from django.urls import path

from . import views

urlpatterns = [
    path("me/notifications/", views.my_notifications, name="my_notifications"),
    path("staff/notifications/failed/", views.failed_notifications, name="failed_notifications"),
    path(
        "me/notifications/history/",
        views.my_notification_history,
        name="my_notification_history",
    ),
]
