"""API routes, mounted at /api/v1/dictation/."""

from django.urls import URLPattern, URLResolver, path

from dictation import apis, review_apis

app_name = "dictation"
urlpatterns: list[URLPattern | URLResolver] = [
    path("items", apis.ItemListCreateApi.as_view(), name="items"),
    path("items/bulk", apis.ItemBulkCreateApi.as_view(), name="items-bulk"),
    path("items/<int:item_id>", apis.ItemDetailApi.as_view(), name="item"),
    path("items/<int:item_id>/difficulty", apis.ItemDifficultyApi.as_view(), name="item-difficulty"),
    path("items/<int:item_id>/tags", apis.ItemTagsApi.as_view(), name="item-tags"),
    path("items/<int:item_id>/tts-status", apis.ItemTTSStatusApi.as_view(), name="item-tts-status"),
    path("items/<int:item_id>/audio", apis.ItemAudioApi.as_view(), name="item-audio"),
    path("attempts", apis.AttemptListCreateApi.as_view(), name="attempts"),
    path("attempts/<int:attempt_id>", apis.AttemptDetailApi.as_view(), name="attempt"),
    path("stats/summary", apis.StatsSummaryApi.as_view(), name="stats-summary"),
    path("stats/practice-log", apis.StatsPracticeLogApi.as_view(), name="stats-practice-log"),
    path("stats/items/<int:item_id>", apis.StatsItemApi.as_view(), name="stats-item"),
    path("stats/progress", apis.StatsProgressApi.as_view(), name="stats-progress"),
    path("review/next", review_apis.ReviewNextApi.as_view(), name="review-next"),
    path("stats/review", review_apis.ReviewStatsApi.as_view(), name="stats-review"),
    path("stats/weak-words", review_apis.WeakWordsApi.as_view(), name="stats-weak-words"),
    path("tags", apis.TagListCreateApi.as_view(), name="tags"),
    path("tags/<int:tag_id>", apis.TagDetailApi.as_view(), name="tag"),
]
