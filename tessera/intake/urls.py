from django.urls import path

from .views import apply, conversation, public, triage

urlpatterns = [
    # public pages of a clinic
    path("c/<slug:slug>/", public.clinic_page, name="intake_clinic"),
    path("c/<slug:slug>/apply/", public.how_to_apply, name="intake_how_to_apply"),
    path("c/<slug:slug>/apply/start/", apply.start, name="intake_start"),
    path("c/<slug:slug>/professionals/", public.professionals, name="intake_professionals"),
    path("c/<slug:slug>/refer/", public.refer, name="intake_refer"),
    path("c/<slug:slug>/refer/receipt/", public.refer_receipt, name="intake_refer_receipt"),
    # the applicant
    path("apply/invite/<str:token>/", apply.invite, name="intake_invite"),
    path("apply/<id:pk>/", apply.resume, name="intake_resume"),
    path("apply/<id:pk>/consent/", apply.consent, name="intake_consent"),
    path("apply/<id:pk>/details/", apply.details, name="intake_details"),
    path("apply/<id:pk>/screening/<str:code>/", apply.screening, name="intake_screening"),
    path("apply/<id:pk>/send/", apply.submit, name="intake_submit"),
    path("apply/<id:pk>/status/", apply.status, name="intake_status"),
    path("apply/<id:pk>/messages/", conversation.write_to_clinic, name="intake_write_to_clinic"),
    path("me/applications/", apply.my_applications, name="my_applications"),
    # staff
    path("intake/", triage.queue, name="intake_queue"),
    path("intake/waiting/", triage.waiting_list, name="intake_waiting_list"),
    path("intake/funnel/", triage.funnel_page, name="intake_funnel"),
    path("intake/applications/<id:pk>/", triage.detail, name="intake_application"),
    path(
        "intake/applications/<id:pk>/messages/",
        conversation.answer_applicant,
        name="intake_answer_applicant",
    ),
    path(
        "intake/applications/<id:pk>/<str:action>/",
        triage.act,
        name="intake_application_action",
    ),
]
