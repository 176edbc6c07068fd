from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.dictation.factories import AttemptFactory, ItemFactory, TagFactory

pytestmark = pytest.mark.django_db

STATS = "/api/v1/dictation/stats"


def test_the_summary_aggregates_the_users_attempts_in_a_window(api, owner):
    now = timezone.now()
    a, b = ItemFactory(owner=owner), ItemFactory(owner=owner)
    ItemFactory(owner=owner)
    AttemptFactory(item=a, wer=0.5, typos=1, mistakes=2, reference_words=4, created_at=now - timedelta(hours=1))
    AttemptFactory(item=a, wer=0.0, typos=0, mistakes=0, reference_words=4, created_at=now - timedelta(hours=2))
    AttemptFactory(item=b, wer=0.25, created_at=now - timedelta(days=10))

    summary = api.get(f"{STATS}/summary").json()
    assert summary["attempts"] == 3 and summary["items_practiced"] == 2 and summary["items_total"] == 3
    assert summary["average_wer"] == pytest.approx(0.25) and summary["best_wer"] == 0.0
    assert summary["perfect_attempts"] == 1

    since = (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    recent = api.get(f"{STATS}/summary?since={since}").json()
    assert recent["attempts"] == 2 and recent["items_practiced"] == 1
    assert (recent["typos"], recent["mistakes"], recent["words"]) == (1, 2, 8)


def test_it_refuses_since_after_until_on_every_windowed_endpoint(api):
    for path in ("summary", "practice-log", "progress"):
        response = api.get(f"{STATS}/{path}?since=2026-03-02&until=2026-03-01")
        assert response.status_code == 400, path
        assert response.json()["error"]["code"] == "invalid_window"


def test_the_practice_log_lists_practised_items_with_their_figures(api, owner):
    now = timezone.now()
    tagged = ItemFactory(owner=owner, text="Tagged sentence.")
    tagged.tags.set([TagFactory(owner=owner, name="week 1")])
    other = ItemFactory(owner=owner)
    ItemFactory(owner=owner)  # never practised
    AttemptFactory(item=tagged, wer=0.5, created_at=now - timedelta(hours=3))
    AttemptFactory(item=tagged, wer=0.1, created_at=now - timedelta(hours=2))
    AttemptFactory(item=other, wer=0.3, created_at=now - timedelta(hours=5))

    log = api.get(f"{STATS}/practice-log").json()

    assert log["count"] == 2
    first = log["results"][0]
    assert first["item_id"] == tagged.pk and first["tags"] == ["week 1"] and first["attempts"] == 2
    assert first["average_wer"] == pytest.approx(0.3) and first["best_wer"] == pytest.approx(0.1)
    since = (now - timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert [r["item_id"] for r in api.get(f"{STATS}/practice-log?since={since}").json()["results"]] == [tagged.pk]


def test_the_item_stats_show_its_attempts(api, owner):
    item = ItemFactory(owner=owner)
    AttemptFactory(item=item, wer=0.4, created_at=timezone.now() - timedelta(minutes=5))
    latest = AttemptFactory(item=item, wer=0.2)

    stats = api.get(f"{STATS}/items/{item.pk}").json()

    assert stats["item"]["id"] == item.pk and stats["attempts"] == 2
    assert stats["latest_wer"] == pytest.approx(0.2) and stats["recent"][0]["id"] == latest.pk
    assert stats["average_wer"] == pytest.approx(0.3)


def test_progress_is_a_daily_series_in_the_users_time_zone(api, owner):
    owner.time_zone = "Pacific/Auckland"  # UTC+13 in January
    owner.save()
    item = ItemFactory(owner=owner)
    other = ItemFactory(owner=owner)
    AttemptFactory(item=item, wer=0.5, created_at=datetime(2026, 1, 1, 9, 0, tzinfo=UTC))   # Jan 1, 22:00 local
    AttemptFactory(item=item, wer=0.1, created_at=datetime(2026, 1, 1, 12, 0, tzinfo=UTC))  # Jan 2, 01:00 local
    AttemptFactory(item=other, wer=0.3, created_at=datetime(2026, 1, 1, 13, 0, tzinfo=UTC))  # Jan 2 local

    progress = api.get(f"{STATS}/progress?since=2026-01-01&until=2026-01-03").json()

    assert progress["time_zone"] == "Pacific/Auckland"
    days = {d["date"]: d for d in progress["days"]}
    assert list(days) == ["2026-01-01", "2026-01-02", "2026-01-03"]
    assert days["2026-01-01"]["attempts"] == 1 and days["2026-01-02"]["attempts"] == 2
    assert days["2026-01-02"]["average_wer"] == pytest.approx(0.2)
    assert days["2026-01-03"] == {"date": "2026-01-03", "attempts": 0, "items": 0, "average_wer": None,
                                  "best_wer": None}
    only_item = api.get(f"{STATS}/progress?since=2026-01-01&until=2026-01-03&item_id={item.pk}").json()
    assert [d["attempts"] for d in only_item["days"]] == [1, 1, 0]


def test_progress_defaults_to_the_last_30_days(api):
    progress = api.get(f"{STATS}/progress").json()

    assert len(progress["days"]) == 30 and progress["until"] == timezone.localdate().isoformat()


def test_progress_ends_on_the_users_today_not_the_servers(api, owner):
    # Whatever the hour, Kiritimati (UTC+14) and Pago Pago (UTC-11) are on different dates.
    owner.time_zone = "Pacific/Kiritimati"
    owner.save()
    ahead = api.get(f"{STATS}/progress").json()["until"]
    owner.time_zone = "Pacific/Pago_Pago"
    owner.save()
    behind = api.get(f"{STATS}/progress").json()["until"]

    assert ahead == timezone.localdate(timezone=ZoneInfo("Pacific/Kiritimati")).isoformat()
    assert behind == timezone.localdate(timezone=ZoneInfo("Pacific/Pago_Pago")).isoformat()
    assert ahead > behind
