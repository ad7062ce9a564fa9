"""Episode moved to core (decision 0008): the foreign keys now name core.Episode.
Only Django's state changes; the table and its constraints stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_episode_from_treatment'),
        ('letters', '0002_letters_for_applications'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='letter',
                    name='episode',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='letters', to='core.episode'),
                ),
            ],
            database_operations=[],
        ),
    ]
