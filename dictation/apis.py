"""The dictation API (/api/v1/dictation/): one view per resource and operation, every one scoped to the
requesting user; someone else's object is not found (404)."""

from typing import Any

from django.core.files.storage import default_storage
from django.http import HttpResponseBase
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dictation import selectors, services
from dictation.models import Attempt, Item, Tag, TTSStatus, TTSTask
from dictation.serializers import (
    AttemptCreateInput,
    AttemptListFilter,
    AttemptOutput,
    DifficultyInput,
    ItemBulkCreateInput,
    ItemBulkOutput,
    ItemCreateInput,
    ItemListFilter,
    ItemOutput,
    PracticeLogFilter,
    PracticeLogRowOutput,
    ProgressInput,
    ProgressOutput,
    StatsItemOutput,
    StatsSummaryOutput,
    TagCreateInput,
    TagOutput,
    TagsInput,
    TTSStatusOutput,
    WindowInput,
    item_rows_validate,
)
from sawt.accounts.signed_in import request_user
from sawt.core.errors import Conflict, NotFound, error_body
from sawt.core.ownership import get_owned_or_404
from sawt.core.pagination import paginated, paginated_response
from sawt.core.ranges import ranged_file_response

TAGS = ["dictation"]


def _owned_item(request: Request, item_id: int) -> Item:
    return get_owned_or_404(Item.objects.prefetch_related("tags"), request.user, pk=item_id)


class ItemListCreateApi(APIView):
    @extend_schema(parameters=[ItemListFilter], responses=paginated(ItemOutput, name="DictationItemPage"),
                   operation_id="dictation_items_list", tags=TAGS)
    def get(self, request: Request) -> Response:
        filters = ItemListFilter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        items = selectors.item_list(owner=request_user(request), **filters.selector_args())
        return paginated_response(request, self, items, ItemOutput)

    @extend_schema(request=ItemCreateInput, responses={202: ItemOutput}, tags=TAGS)
    def post(self, request: Request) -> Response:
        data = ItemCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.item_create(owner=request_user(request), draft=data.draft())
        item.refresh_from_db()
        return Response(ItemOutput(item).data, status=status.HTTP_202_ACCEPTED)


class ItemBulkCreateApi(APIView):
    @extend_schema(request=ItemBulkCreateInput, responses={202: ItemBulkOutput}, tags=TAGS)
    def post(self, request: Request) -> Response:
        """Creates the valid rows and reports each row: `{"index", "ok", "item"}` or `{"index", "ok":
        false, "error"}`. Invalid rows, and duplicates (a sentence the user already has, or an earlier
        row's), do not stop the others."""
        data = ItemBulkCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        owner = request_user(request)
        validated = item_rows_validate(data.rows())
        rows = selectors.item_rows_without_duplicates(
            owner=owner, rows=validated, labels=[f"item {index}" for index in range(len(validated))]
        )
        results: list[dict[str, Any]] = []
        drafts: list[tuple[int, services.ItemDraft]] = []
        for index, row in enumerate(rows):
            if isinstance(row, services.ItemDraft):
                drafts.append((index, row))
            else:
                body = error_body("invalid", "The item is not valid.", {"fields": row})
                results.append({"index": index, "ok": False, **body})
        items = services.item_bulk_create(owner=owner, drafts=[d for _, d in drafts])
        fresh = Item.objects.prefetch_related("tags").in_bulk([i.pk for i in items])
        created = ItemOutput([fresh[i.pk] for i in items], many=True).data
        for (index, _), item in zip(drafts, created, strict=True):
            results.append({"index": index, "ok": True, "item": item})
        results.sort(key=lambda r: r["index"])
        body = {"created": len(items), "failed": len(results) - len(items), "results": results}
        return Response(body, status=status.HTTP_202_ACCEPTED)


class ItemDetailApi(APIView):
    @extend_schema(responses=ItemOutput, tags=TAGS)
    def get(self, request: Request, item_id: int) -> Response:
        return Response(ItemOutput(_owned_item(request, item_id)).data)

    @extend_schema(request=ItemCreateInput(partial=True), responses=ItemOutput, tags=TAGS)
    def patch(self, request: Request, item_id: int) -> Response:
        """Changes any fields of the item (those of `POST items`); a new text or locale makes new audio."""
        item = _owned_item(request, item_id)
        data = ItemCreateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.item_update(item=item, changes=dict(data.validated_data))
        return Response(ItemOutput(_owned_item(request, item_id)).data)

    @extend_schema(responses={204: None}, tags=TAGS)
    def delete(self, request: Request, item_id: int) -> Response:
        services.item_delete(item=_owned_item(request, item_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ItemDifficultyApi(APIView):
    @extend_schema(request=DifficultyInput, responses=ItemOutput, tags=TAGS)
    def patch(self, request: Request, item_id: int) -> Response:
        item = _owned_item(request, item_id)
        data = DifficultyInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.item_update_difficulty(item=item, difficulty=data.validated_data["difficulty"])
        return Response(ItemOutput(item).data)


class ItemTagsApi(APIView):
    @extend_schema(request=TagsInput, responses=ItemOutput, tags=TAGS)
    def patch(self, request: Request, item_id: int) -> Response:
        item = _owned_item(request, item_id)
        data = TagsInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.item_update_tags(item=item, names=data.validated_data["tags"])
        return Response(ItemOutput(_owned_item(request, item_id)).data)


class ItemTTSStatusApi(APIView):
    @extend_schema(responses=TTSStatusOutput, tags=TAGS)
    def get(self, request: Request, item_id: int) -> Response:
        item = _owned_item(request, item_id)
        # Items made through the services always have a job; one made otherwise reads as a fresh job.
        task = TTSTask.objects.filter(item=item).order_by("-queued_at", "-id").first() or TTSTask(item=item)
        body = TTSStatusOutput(task).data
        # The item's status is the truth a player needs; a superseded job must not hide a newer one.
        body["status"] = item.tts_status
        body["duration"] = item.duration
        return Response(body)


class AudioNotReady(Conflict):
    code = "audio_not_ready"
    message = "The audio is not ready yet."


class ItemAudioApi(APIView):
    @extend_schema(responses={(200, "audio/wav"): bytes, (206, "audio/wav"): bytes}, tags=TAGS,
                   parameters=[OpenApiParameter("Range", str, OpenApiParameter.HEADER, required=False)])
    def get(self, request: Request, item_id: int) -> HttpResponseBase:
        item = _owned_item(request, item_id)
        if item.tts_status != TTSStatus.COMPLETED or not item.audio_file or not default_storage.exists(item.audio_file):
            raise AudioNotReady(details={"status": item.tts_status, "error": item.tts_error})
        return ranged_file_response(
            request,
            storage=default_storage,
            name=item.audio_file,
            filename=f"item-{item.pk}.wav",
            content_type="audio/wav",
            as_attachment=False,  # speech the server synthesized
        )


class AttemptListCreateApi(APIView):
    @extend_schema(parameters=[AttemptListFilter], responses=paginated(AttemptOutput, name="DictationAttemptPage"),
                   operation_id="dictation_attempts_list", tags=TAGS)
    def get(self, request: Request) -> Response:
        filters = AttemptListFilter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        item_id = filters.validated_data.get("item_id")
        if item_id is not None:
            _owned_item(request, item_id)
        attempts = selectors.attempt_list(owner=request_user(request), item_id=item_id, window=filters.window())
        return paginated_response(request, self, attempts, AttemptOutput)

    @extend_schema(request=AttemptCreateInput, responses={201: AttemptOutput}, tags=TAGS)
    def post(self, request: Request) -> Response:
        data = AttemptCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            item = Item.objects.get(pk=data.validated_data["item_id"], owner=request_user(request))
        except Item.DoesNotExist as exc:
            raise NotFound("No such item.", code="item_not_found") from exc
        attempt = services.attempt_create(owner=request_user(request), item=item, text=data.validated_data["text"])
        return Response(AttemptOutput(attempt).data, status=status.HTTP_201_CREATED)


class AttemptDetailApi(APIView):
    @extend_schema(responses=AttemptOutput, tags=TAGS)
    def get(self, request: Request, attempt_id: int) -> Response:
        attempt = get_owned_or_404(Attempt.objects.all(), request.user, pk=attempt_id)
        return Response(AttemptOutput(attempt).data)


class StatsSummaryApi(APIView):
    @extend_schema(parameters=[WindowInput], responses=StatsSummaryOutput, tags=TAGS)
    def get(self, request: Request) -> Response:
        window = WindowInput(data=request.query_params)
        window.is_valid(raise_exception=True)
        summary = selectors.stats_summary(owner=request_user(request), window=window.window())
        return Response(StatsSummaryOutput(summary).data)


class StatsPracticeLogApi(APIView):
    @extend_schema(parameters=[PracticeLogFilter],
                   responses=paginated(PracticeLogRowOutput, name="DictationPracticeLogPage"), tags=TAGS)
    def get(self, request: Request) -> Response:
        filters = PracticeLogFilter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = selectors.stats_practice_log(owner=request_user(request), window=filters.window())
        return paginated_response(request, self, rows, PracticeLogRowOutput)


class StatsItemApi(APIView):
    @extend_schema(responses=StatsItemOutput, tags=TAGS)
    def get(self, request: Request, item_id: int) -> Response:
        item = _owned_item(request, item_id)
        return Response(StatsItemOutput({"item": item, **selectors.stats_item(item=item)}).data)


class StatsProgressApi(APIView):
    @extend_schema(parameters=[ProgressInput], responses=ProgressOutput, tags=TAGS)
    def get(self, request: Request) -> Response:
        user = request_user(request)
        data = ProgressInput(data=request.query_params, context={"tzinfo": user.tzinfo})
        data.is_valid(raise_exception=True)
        item_id = data.validated_data.get("item_id")
        if item_id is not None:
            _owned_item(request, item_id)
        since, until = data.validated_data["since"], data.validated_data["until"]
        days = selectors.stats_progress(owner=user, since=since, until=until, item_id=item_id)
        body = {"time_zone": user.time_zone, "item_id": item_id, "since": since, "until": until, "days": days}
        return Response(ProgressOutput(body).data)


class TagListCreateApi(APIView):
    pagination_class = None

    @extend_schema(responses=TagOutput(many=True), tags=TAGS)
    def get(self, request: Request) -> Response:
        return Response(TagOutput(selectors.tag_list(owner=request_user(request)), many=True).data)

    @extend_schema(request=TagCreateInput, responses={201: TagOutput}, tags=TAGS)
    def post(self, request: Request) -> Response:
        data = TagCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        tag = services.tag_create(owner=request_user(request), name=data.validated_data["name"])
        return Response(TagOutput(tag).data, status=status.HTTP_201_CREATED)


class TagDetailApi(APIView):
    @extend_schema(responses=TagOutput, tags=TAGS)
    def get(self, request: Request, tag_id: int) -> Response:
        tag = get_owned_or_404(selectors.tag_list(owner=request_user(request)), request.user, pk=tag_id)
        return Response(TagOutput(tag).data)

    @extend_schema(responses={204: None}, tags=TAGS)
    def delete(self, request: Request, tag_id: int) -> Response:
        services.tag_delete(tag=get_owned_or_404(Tag.objects.all(), request.user, pk=tag_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
