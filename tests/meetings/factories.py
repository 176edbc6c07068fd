import factory
from django.core.files.base import ContentFile

from meetings.models import Meeting, Participant, ProcessingJob, Recording, Segment, Speaker, Summary
from sawt.core.jobs.models import JobState
from tests.factories import UserFactory


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Weekly sync {n}")
    status = Meeting.Status.COMPLETED
    duration = 30.0


class RecordingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recording

    meeting = factory.SubFactory(MeetingFactory)
    file = factory.LazyFunction(lambda: ContentFile(b"RIFF0000WAVE", name="call.wav"))
    original_name = "call.wav"
    size = 12


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessingJob

    meeting = factory.SubFactory(MeetingFactory)
    stage = ProcessingJob.Stage.DONE
    status = ProcessingJob.Status.COMPLETED
    # The job runtime's state for the status a test gives (a transient failure waits for its retry).
    state = factory.LazyAttribute(
        lambda job: {"queued": JobState.QUEUED, "running": JobState.RUNNING, "completed": JobState.SUCCEEDED}.get(
            job.status, JobState.FAILED
        )
    )
    progress = 100


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    meeting = factory.SubFactory(MeetingFactory)
    label = factory.Sequence(lambda n: f"SPEAKER_{n:02d}")


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment

    meeting = factory.SubFactory(MeetingFactory)
    speaker = factory.SubFactory(SpeakerFactory, meeting=factory.SelfAttribute("..meeting"))
    index = factory.Sequence(lambda n: n)
    start = factory.Sequence(lambda n: float(n * 2))
    end = factory.LazyAttribute(lambda s: s.start + 1.5)
    text = "We agreed to ship the budget report."
    words = factory.LazyAttribute(
        lambda s: [{"start": s.start, "end": s.end, "word": " " + s.text, "probability": 0.9}]
    )


class SummaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Summary

    meeting = factory.SubFactory(MeetingFactory)
    text = "Speakers: Diane (60%), Sheila (40%)."
    generator = "extractive"


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.SubFactory(UserFactory)
    role = Participant.Role.VIEWER
