"""Episode moved to core (decision 0008): the foreign keys now name core.Episode.
Only Django's state changes; the table and its constraints stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('appointments', '0002_episode_moves_to_core'),
        ('automation', '0002_episode_moves_to_core'),
        ('consultation', '0002_episode_moves_to_core'),
        ('core', '0005_episode_from_treatment'),
        ('feedback', '0002_episode_moves_to_core'),
        ('inbox', '0002_episode_moves_to_core'),
        ('intake', '0003_episode_moves_to_core'),
        ('letters', '0003_episode_moves_to_core'),
        ('messaging', '0002_episode_moves_to_core'),
        ('safety', '0004_episode_moves_to_core'),
        ('treatment', '0008_diary_entries'),
        ('workload', '0002_episode_moves_to_core'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='duemeasure',
                    name='episode',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='due', to='core.episode'),
                ),
                migrations.AlterField(
                    model_name='planchange',
                    name='episode',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='plan_changes', to='core.episode'),
                ),
                migrations.AlterField(
                    model_name='response',
                    name='episode',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='responses', to='core.episode'),
                ),
                migrations.AlterField(
                    model_name='planentry',
                    name='episode',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='plan', to='core.episode'),
                ),
                migrations.DeleteModel(
                    name='Episode',
                ),
            ],
            database_operations=[],
        ),
    ]
