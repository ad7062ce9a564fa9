from django.urls import path

from .views import audit_trail, clinics, favicon, health, leave, me, patients, session, staff

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", favicon.favicon, name="favicon"),
    path("session/keepalive/", session.keepalive, name="session_keepalive"),
    path("patients/", patients.patient_list, name="patient_list"),
    path("patients/<id:pk>/", patients.patient_detail, name="patient_detail"),
    path("patients/<id:pk>/edit/", patients.patient_edit, name="patient_edit"),
    path("me/", me.my_details, name="my_details"),
    path("me/edit/", me.my_details_edit, name="my_details_edit"),
    path("me/access-log/", me.my_access_log, name="my_access_log"),
    path("clinics/", clinics.clinic_list, name="clinic_list"),
    path("clinics/new/", staff.clinic_create, name="clinic_create"),
    path("clinics/<slug:slug>/", clinics.clinic_detail, name="clinic_detail"),
    path("clinics/<slug:slug>/staff/", staff.clinic_staff, name="clinic_staff"),
    path("clinics/<slug:slug>/staff/<id:user_id>/", staff.staff_member, name="staff_member"),
    path(
        "clinics/<slug:slug>/staff/<id:user_id>/offboard/",
        staff.staff_offboard,
        name="staff_offboard",
    ),
    path(
        "clinics/<slug:slug>/staff/<id:user_id>/hand-over/",
        staff.staff_hand_over,
        name="staff_hand_over",
    ),
    path(
        "episodes/<id:episode_id>/therapist/",
        staff.episode_change_therapist,
        name="episode_change_therapist",
    ),
    path("clinics/<slug:slug>/roles/<id:role_id>/", staff.staff_role_edit, name="staff_role_edit"),
    path("clinics/<slug:slug>/staff/<id:user_id>/leave/", leave.staff_leave, name="staff_leave"),
    path(
        "clinics/<slug:slug>/leave/<id:leave_id>/change/",
        leave.staff_leave_change,
        name="staff_leave_change",
    ),
    path(
        "clinics/<slug:slug>/leave/<id:leave_id>/end/",
        leave.staff_leave_end,
        name="staff_leave_end",
    ),
    path(
        "clinics/<slug:slug>/leave/<id:leave_id>/remove/",
        leave.staff_leave_remove,
        name="staff_leave_remove",
    ),
    path(
        "clinics/<slug:slug>/roles/<id:role_id>/remove/",
        staff.staff_role_remove,
        name="staff_role_remove",
    ),
    path("clinics/<slug:slug>/edit/", clinics.clinic_edit, name="clinic_edit"),
    path("clinics/<slug:slug>/rate-limits/", clinics.clinic_rate_limits, name="clinic_rate_limits"),
    path(
        "clinics/<slug:slug>/crisis-contacts/",
        clinics.crisis_contacts,
        name="clinic_crisis_contacts",
    ),
    path(
        "clinics/<slug:slug>/crisis-contacts/<id:contact_id>/remove/",
        clinics.crisis_contact_remove,
        name="clinic_crisis_contact_remove",
    ),
    path("clinics/<slug:slug>/on-call/", clinics.on_call_rota, name="clinic_on_call"),
    path(
        "clinics/<slug:slug>/on-call/<id:shift_id>/remove/",
        clinics.on_call_shift_remove,
        name="clinic_on_call_remove",
    ),
    path("audit/", audit_trail.audit_search, name="audit_search"),
    path("audit/security/", audit_trail.security_events, name="security_events"),
]
