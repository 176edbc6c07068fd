import django.utils.timezone
from django.db import migrations, models


def states_from_statuses(apps, schema_editor):
    """The job runtime's state from the old status. A failed message with a retry time and tries left is a
    queued retry; one left "sending" is running with its lease passed, so the sweep takes it (and asks the
    provider before sending it again)."""
    Message = apps.get_model("voicebot", "Message")
    now = django.utils.timezone.now()
    Message.objects.update(queued_at=models.F("created_at"))
    Message.objects.filter(status="sending").update(state="running", lease_until=now)
    Message.objects.filter(status__in=["sent", "delivered"]).update(state="succeeded", finished_at=models.F("sent_at"))
    Message.objects.filter(status="skipped").update(state="failed", error_code="cancelled")
    Message.objects.filter(status="failed").update(state="failed")
    Message.objects.filter(status="failed", next_attempt_at__isnull=False, attempts__lt=5).update(
        state="queued", error_code="transient"
    )


def statuses_kept(apps, schema_editor):
    """`status` was never changed: nothing to undo."""


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
        migrations.RunPython(states_from_statuses, statuses_kept),
    ]
