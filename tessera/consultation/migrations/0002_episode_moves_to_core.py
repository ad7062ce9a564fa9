"""Episode moved to core (decision 0008): the foreign keys now name core.Episode.
Only Django's state changes; the table and its constraints stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('consultation', '0001_initial'),
        ('core', '0005_episode_from_treatment'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='consultationrequest',
                    name='episode',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='consultations', to='core.episode'),
                ),
                migrations.AlterField(
                    model_name='supervisedcase',
                    name='episode',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='supervised_by', to='core.episode'),
                ),
                migrations.AlterField(
                    model_name='supervisionnote',
                    name='episode',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='supervision_notes', to='core.episode'),
                ),
            ],
            database_operations=[],
        ),
    ]
