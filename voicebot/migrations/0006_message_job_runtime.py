import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("voicebot", "0005_number_approval_call_limits"),
    ]

    operations = [
        migrations.RenameField(model_name="message", old_name="last_error", new_name="error"),
        migrations.AlterField(model_name="message", name="error", field=models.TextField(blank=True, default="")),
        migrations.RenameField(model_name="message", old_name="claimed_at", new_name="started_at"),
        migrations.AddField(
            model_name="message",
            name="state",
            field=models.CharField(
                choices=[("queued", "Queued"), ("running", "Running"), ("succeeded", "Succeeded"), ("failed", "Failed")],
                db_index=True, default="queued", max_length=10,
            ),
        ),
        migrations.AddField(model_name="message", name="lease_until", field=models.DateTimeField(blank=True, null=True)),
        migrations.AddField(
            model_name="message", name="error_code", field=models.CharField(blank=True, default="", max_length=40)
        ),
        migrations.AddField(model_name="message", name="progress", field=models.PositiveSmallIntegerField(default=0)),
        migrations.AddField(
            model_name="message", name="queued_at", field=models.DateTimeField(default=django.utils.timezone.now)
        ),
        migrations.AddField(model_name="message", name="finished_at", field=models.DateTimeField(blank=True, null=True)),
    ]
