"""A clinic's messages from patients by the time they came, with what the team's reply
times read (workload's figures, issue 16, decision 0058): one range per clinic and week
instead of one descent of (episode, sent_at) per episode of the clinic."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0004_message_clinic"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="message",
            index=models.Index(
                condition=models.Q(("from_patient", True), ("is_automated", False)),
                fields=["clinic", "sent_at"],
                include=("episode", "answered_at"),
                name="message_from_patient_by_clinic",
            ),
        ),
    ]
