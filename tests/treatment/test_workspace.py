"""The patient's modules: reading, worksheets that keep drafts, sending, completing."""

from django.urls import reverse

from tessera.core.models import AuditEvent
from tessera.treatment.models import PlanEntry, WorksheetAnswer


def reader(entry, step=1):
    return reverse("module_reader", args=[entry.pk]) + f"?step={step}"


def test_the_patient_sees_their_modules_and_what_is_next(world, plan, login):
    text = login(world["patient"]).get(reverse("my_plan")).content.decode()
    assert "Activity and mood" in text and "Next: Activity and mood" in text


def test_reading_a_step_records_progress_and_is_audited(world, plan, login):
    page = login(world["patient"]).get(reader(plan.entry))
    assert "<strong>Activity and mood</strong>" in page.content.decode()  # markdown rendered
    entry = PlanEntry.objects.get(pk=plan.entry.pk)
    assert entry.started_at is not None and entry.seen_steps == [1]
    assert AuditEvent.objects.filter(action="module.viewed", patient=world.patient).exists()


def test_another_patient_cannot_open_the_module(world, plan, login):
    assert login(world["other_patient"]).get(reader(plan.entry)).status_code == 404


def test_autosave_keeps_text_and_table_rows_as_typed(world, plan, login):
    url = reverse("worksheet_save", args=[plan.entry.pk, 2])
    response = login(world["patient"]).post(
        url,
        {
            "situation": "Walked  to the shop\nfelt <b>better</b>",
            "mood": "6",
            "diary-0-day": "2026-03-02",
            "diary-0-what": "walk",
            "diary-1-day": "",
            "diary-1-what": "",
        },
        HTTP_X_AUTOSAVE="1",
    )
    assert response.status_code == 200 and "saved_at" in response.json()
    answer = WorksheetAnswer.objects.get(entry=plan.entry)
    assert answer.values["situation"] == "Walked  to the shop\nfelt <b>better</b>"
    assert answer.values["diary"] == [{"day": "2026-03-02", "what": "walk"}]
    page = login(world["patient"]).get(reader(plan.entry, 2)).content.decode()
    assert "felt &lt;b&gt;better&lt;/b&gt;" in page  # shown back escaped, never as HTML


def test_sending_a_worksheet_locks_it_and_is_audited(world, plan, login):
    client = login(world["patient"])
    url = reverse("worksheet_save", args=[plan.entry.pk, 2])
    client.post(url, {"situation": "done", "send": "1"})
    answer = WorksheetAnswer.objects.get(entry=plan.entry)
    assert answer.submitted_at is not None
    assert AuditEvent.objects.filter(action="worksheet.submitted").exists()
    response = client.post(url, {"situation": "changed"}, HTTP_X_AUTOSAVE="1")
    assert response.status_code == 409
    assert WorksheetAnswer.objects.get(entry=plan.entry).values["situation"] == "done"


def test_completing_a_module(world, plan, login):
    client = login(world["patient"])
    response = client.post(reverse("module_complete", args=[plan.entry.pk]))
    assert response.status_code == 302
    assert PlanEntry.objects.get(pk=plan.entry.pk).completed_at is not None


def test_the_module_page_uses_a_constant_number_of_queries(
    world, plan, login, django_assert_max_num_queries
):
    client = login(world["patient"])
    # The first visit also starts the module (and looks for "before each module"
    # questionnaires to schedule); the reader then points to any that are open.
    with django_assert_max_num_queries(27):
        client.get(reader(plan.entry, 2))


def test_my_progress_lists_completed_modules(world, plan, login):
    from tessera.treatment.actions import plans as plan_actions

    plan_actions.do_complete_module(plan.entry, acting_user=world.patient.user)
    text = login(world["patient"]).get(reverse("my_progress")).content.decode()
    assert "Modules you have completed" in text and "Activity and mood" in text


def test_modules_not_set_up_yet_say_how_to_reach_the_clinic(world, login):
    """Before the plan is set up the page is no dead end: the clinic's phone is there."""
    world.clinic.contact_phone = "+46 8 555 030"
    world.clinic.save()
    text = login(world["patient"]).get(reverse("my_plan")).content.decode()
    assert "has not set up your modules yet" in text
    assert 'href="tel:+46 8 555 030"' in text


def test_a_worksheet_sent_twice_is_sent_once_and_says_so(world, plan, login):
    """A double click on "Send to my therapist" (or back and send again): the second
    request found the answers sent and told the patient they "can no longer be
    changed", as if the send had failed. The same answers are the ones sent (0152)."""
    client = login(world["patient"])
    url = reverse("worksheet_save", args=[plan.entry.pk, 2])
    body = {"situation": "done", "mood": "6", "send": "1"}
    client.post(url, body)
    again = client.post(url, body, follow=True)
    text = again.content.decode()
    assert "These answers have been sent and can no longer be changed." not in text
    assert WorksheetAnswer.objects.filter(entry=plan.entry).count() == 1
    assert AuditEvent.objects.filter(action="worksheet.submitted").count() == 1
    # Other words after sending are still refused: the answers sent are kept.
    changed = client.post(url, {**body, "situation": "changed"}, follow=True)
    assert "These answers have been sent and can no longer" in changed.content.decode()
