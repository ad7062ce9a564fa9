"""Episode moved to core (decision 0008): the foreign keys now name core.Episode.
Only Django's state changes; the table and its constraints stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_episode_from_treatment'),
        ('messaging', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='message',
                    name='episode',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='messages', to='core.episode'),
                ),
                migrations.AlterField(
                    model_name='messagedraft',
                    name='episode',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='message_drafts', to='core.episode'),
                ),
            ],
            database_operations=[],
        ),
    ]
