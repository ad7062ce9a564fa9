from django.urls import path

from . import views

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("caseload/", views.caseload_page, name="caseload"),
    path("inbox/worksheets/<id:answer_id>/seen/", views.worksheet_seen, name="worksheet_seen"),
]
