"""Dictation's part of a user's export (`sawt.core.backup`): tags, items with their audio (the file under
`files/dictation/`) and attempts. Restored audio gets a name of its own, not the content-hash name
synthesis gives, so it never replaces or shares another item's file."""

import uuid
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage

from dictation.models import Attempt, Item, Tag
from sawt.core.backup import ExportContext, ImportContext, build, register_section, row


def dictation_export(context: ExportContext) -> dict[str, Any]:
    user = context.user
    tags = [{**row(tag), "key": tag.pk} for tag in Tag.objects.filter(owner=user).order_by("pk")]
    items = []
    audio = 0
    for item in Item.objects.filter(owner=user).prefetch_related("tags").order_by("pk"):
        entry = {**row(item, exclude=("audio_file",)), "key": item.pk, "tags": [t.pk for t in item.tags.all()]}
        member = f"files/dictation/{item.pk}{PurePosixPath(item.audio_file).suffix}"
        if item.audio_file and context.add_file(member, storage=default_storage, name=item.audio_file):
            entry["audio"] = member
            audio += 1
        items.append(entry)
    attempts = [{**row(a), "item": a.item_id} for a in Attempt.objects.filter(owner=user).order_by("pk")]
    context.counts.update(items=len(items), item_audio=audio, attempts=len(attempts), tags=len(tags))
    return {"tags": tags, "items": items, "attempts": attempts}


def dictation_restore(context: ImportContext, dictation: dict[str, Any]) -> None:
    user = context.user
    context.counts.update(items=0, item_audio=0, attempts=0, tags=0)
    tags = {}
    for data in dictation["tags"]:
        tag = Tag.objects.filter(owner=user, name=data["name"]).first()
        if tag is None:
            tag = build(Tag, data, owner=user)
            tag.save()
            context.counts["tags"] += 1
        tags[data["key"]] = tag
    items = {}
    for data in dictation["items"]:
        item = build(Item, data, owner=user)
        if data.get("audio"):
            name = f"{settings.DICTATION_AUDIO_DIR}/{uuid.uuid4().hex}{PurePosixPath(data['audio']).suffix}"
            item.audio_file = context.save(data["audio"], storage=default_storage, name=name)
            context.counts["item_audio"] += 1
        item.save()
        item.tags.set([tags[key] for key in data["tags"] if key in tags])
        items[data["key"]] = item
    Attempt.objects.bulk_create(
        build(Attempt, data, owner=user, item=items[data["item"]])
        for data in dictation["attempts"]
        if data["item"] in items
    )
    context.counts.update(items=len(items), attempts=len(dictation["attempts"]))


register_section("dictation", export=dictation_export, restore=dictation_restore)
