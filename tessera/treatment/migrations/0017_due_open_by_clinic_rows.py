"""The clinic-leading index of open questionnaires holds what an overdue row shows (its
id, instrument and time point), so that the inbox's and the staff home's overdue rows
come from the index alone, by the clinic's range (issue 16, decision 0057)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("treatment", "0016_rows_carry_their_clinic"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="duemeasure",
            name="due_open_by_clinic",
        ),
        migrations.AddIndex(
            model_name="duemeasure",
            index=models.Index(
                condition=models.Q(("cancelled", False), ("completed_at__isnull", True)),
                fields=["clinic", "expires_at"],
                include=("episode", "due_at", "id", "instrument", "time_point"),
                name="due_open_by_clinic",
            ),
        ),
    ]
