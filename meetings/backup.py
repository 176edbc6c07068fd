"""Meetings' part of a user's export (`sawt.core.backup`): the meetings they own and have not deleted,
with their recording (the file under `files/meetings/`), speakers, transcript lines and summary."""

from pathlib import PurePosixPath
from typing import Any

from meetings.models import Meeting, Recording, Segment, Speaker, Summary
from sawt.core.backup import ExportContext, ImportContext, build, register_section, row


def meetings_export(context: ExportContext) -> list[dict[str, Any]]:
    meetings = []
    recordings = 0
    for meeting in Meeting.objects.filter(owner=context.user, deleted_at__isnull=True).order_by("pk"):
        entry: dict[str, Any] = row(meeting, exclude=("deleted_at",))
        recording = getattr(meeting, "recording", None)
        if recording is not None and recording.file:
            member = f"files/meetings/{meeting.pk}{PurePosixPath(recording.file.name).suffix}"
            if context.add_file(member, storage=recording.file.storage, name=recording.file.name):
                entry["recording"] = {**row(recording), "file": member}
                recordings += 1
        entry["speakers"] = [{**row(s), "key": s.pk} for s in meeting.speakers.order_by("pk")]
        entry["segments"] = [{**row(s), "speaker": s.speaker_id} for s in meeting.segments.order_by("index")]
        summary = getattr(meeting, "summary", None)
        entry["summary"] = row(summary) if summary is not None else None
        meetings.append(entry)
    context.counts.update(meetings=len(meetings), recordings=recordings)
    return meetings


def meetings_restore(context: ImportContext, meetings: list[dict[str, Any]]) -> None:
    context.counts.update(meetings=0, recordings=0)
    for entry in meetings:
        meeting = build(Meeting, entry, owner=context.user)
        meeting.save()
        if entry.get("recording"):
            recording = build(Recording, entry["recording"], meeting=meeting)
            with context.member(entry["recording"]["file"]) as content:
                # upload_to generates the stored name; the archive's name is only a hint of the suffix.
                recording.file.save(content.name, content)
            context.keep(recording.file.storage, recording.file.name)
            context.counts["recordings"] += 1
        speakers = {}
        for data in entry["speakers"]:
            speakers[data["key"]] = build(Speaker, data, meeting=meeting)
            speakers[data["key"]].save()
        Segment.objects.bulk_create(
            build(Segment, data, meeting=meeting, speaker=speakers.get(data["speaker"])) for data in entry["segments"]
        )
        if entry.get("summary"):
            build(Summary, entry["summary"], meeting=meeting).save()
        context.counts["meetings"] += 1


register_section("meetings", export=meetings_export, restore=meetings_restore)
