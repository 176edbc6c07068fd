from django.db import migrations


class Migration(migrations.Migration):
    """Apart from 0002: its data changes must be committed before the table is altered again."""

    dependencies = [
        ("dictation", "0003_job_states"),
    ]

    operations = [
        migrations.RemoveField(model_name="ttstask", name="retryable"),
    ]
