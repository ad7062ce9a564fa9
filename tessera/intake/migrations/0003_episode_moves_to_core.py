"""Episode moved to core (decision 0008): the foreign keys now name core.Episode.
Only Django's state changes; the table and its constraints stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_episode_from_treatment'),
        ('intake', '0002_assessment'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='application',
                    name='episode',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.episode'),
                ),
            ],
            database_operations=[],
        ),
    ]
