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


def old_sweep_unscheduled(apps, schema_editor):
    """The beat entry of the sweep the job runtime's one sweep (`jobs-sweep`) replaces."""
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task="voicebot.tasks.messages_retry").delete()


class Migration(migrations.Migration):
    """Apart from the schema change: rows updated here must not share a transaction with its deferred
    index and constraint work."""

    dependencies = [
        ("voicebot", "0006_message_job_runtime"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(states_from_statuses, statuses_kept),
        migrations.RunPython(old_sweep_unscheduled, migrations.RunPython.noop),
    ]
