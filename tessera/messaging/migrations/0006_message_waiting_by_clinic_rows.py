"""The clinic-leading index of waiting messages holds what the inbox's row of an
episode's oldest waiting message shows (its id and time), so that a therapist's inbox
reads it from the index alone, by the clinic's range (issue 16, decision 0057)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0005_message_from_patient_by_clinic"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="message",
            name="message_waiting_by_clinic",
        ),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(
                condition=models.Q(("answered_at__isnull", True), ("from_patient", True)),
                fields=["clinic"],
                include=("episode", "is_automated", "sent_at", "id"),
                name="message_waiting_by_clinic",
            ),
        ),
    ]
