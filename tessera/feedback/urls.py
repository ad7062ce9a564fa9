from django.urls import path

from .views import compose, practice, templates

urlpatterns = [
    path("feedback/templates/", templates.template_list, name="feedback_templates"),
    path("feedback/templates/new/", templates.template_new, name="feedback_template_new"),
    path(
        "feedback/templates/<id:pk>/edit/", templates.template_edit, name="feedback_template_edit"
    ),
    path(
        "feedback/templates/<id:pk>/delete/",
        templates.template_delete,
        name="feedback_template_delete",
    ),
    path("feedback/fill/<id:episode_id>/", compose.fill, name="feedback_fill"),
    path("feedback/check/<id:episode_id>/", compose.check, name="feedback_check"),
    path("feedback/practice/", practice.practice_home, name="feedback_practice"),
    path("feedback/practice/start/", practice.practice_start, name="feedback_practice_start"),
    path(
        "feedback/practice/<id:worksheet_id>/",
        practice.practice_worksheet,
        name="feedback_practice_worksheet",
    ),
]
