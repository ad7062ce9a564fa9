from django.urls import path

from . import views

urlpatterns = [
    path("me/help/", views.ask_for_help, name="ask_for_help"),
    path("me/help/sent/", views.ask_for_help_sent, name="ask_for_help_sent"),
]
