"""Episode moves from treatment to core (decision 0008). Only Django's state changes:
the table keeps its name (treatment_episode) and its indexes; the content type is
relabelled so that permissions and any reference to it stay."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def relabel_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="core", model="episode").exists():
        ContentType.objects.filter(app_label="treatment", model="episode").update(app_label="core")


def unlabel_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="treatment", model="episode").exists():
        ContentType.objects.filter(app_label="core", model="episode").update(app_label="treatment")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('treatment', '0008_diary_entries'),
        ('core', '0004_clinic_safety_and_letters'),
        ('programs', '0002_clinic_eligibility'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Episode',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('intake', 'in intake'), ('waiting', 'waiting'), ('active', 'in treatment'), ('ended', 'ended')], default='intake', max_length=16, verbose_name='status')),
                        ('care_model', models.CharField(choices=[('guided', 'guided'), ('unguided', 'unguided'), ('blended', 'blended'), ('face_to_face', 'face to face')], default='guided', max_length=16, verbose_name='care model')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('started_on', models.DateField(blank=True, null=True, verbose_name='treatment started')),
                        ('ended_on', models.DateField(blank=True, null=True, verbose_name='treatment ended')),
                        ('end_reason', models.CharField(blank=True, choices=[('completed', 'completed treatment'), ('dropped_out', 'dropped out'), ('stepped_up', 'stepped up to other care'), ('transferred', 'transferred')], max_length=16, verbose_name='how it ended')),
                        ('end_note', models.CharField(blank=True, max_length=500, verbose_name='about the ending')),
                        ('read_only_from', models.DateField(blank=True, null=True, verbose_name='the patient can only read from')),
                        ('clinic', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='episodes', to='core.clinic')),
                        ('patient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='episodes', to='core.patient')),
                        ('programme_version', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='programs.programmeversion', verbose_name='programme')),
                        ('therapist', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='caseload', to=settings.AUTH_USER_MODEL, verbose_name='responsible therapist')),
                    ],
                    options={
                        'db_table': 'treatment_episode',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['clinic', 'status'], name='treatment_e_clinic__bfa613_idx'), models.Index(fields=['therapist'], name='treatment_e_therapi_b4c357_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_type, unlabel_content_type),
    ]
