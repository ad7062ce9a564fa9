from django.urls import path

from . import views

urlpatterns = [
    path("me/notifications/", views.my_notifications, name="my_notifications"),
]
