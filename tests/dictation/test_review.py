from datetime import timedelta

import pytest
from django.utils import timezone

from dictation import review
from dictation.models import Item, ReviewState, TTSStatus
from tests.dictation.factories import ItemFactory

NEXT = "/api/v1/dictation/review/next"
pytestmark = pytest.mark.django_db


def ready(owner, due, **fields):
    return ItemFactory(owner=owner, tts_status=TTSStatus.COMPLETED, review_due=due, **fields)


def attempt(api, item, text):
    response = api.post("/api/v1/dictation/attempts", {"item_id": item.pk, "text": text}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_review_next_gives_the_most_overdue_item_as_the_item_api_does(api, owner):
    now = timezone.now()
    ready(owner, now - timedelta(hours=1))
    oldest = ready(owner, now - timedelta(days=2))
    ready(owner, now + timedelta(days=1))
    ItemFactory(owner=owner, tts_status=TTSStatus.FAILED, review_due=now - timedelta(days=9))  # no audio
    ready(ItemFactory().owner, now - timedelta(days=30))  # someone else's

    body = api.get(NEXT).json()

    assert body["item"] == api.get(f"/api/v1/dictation/items/{oldest.pk}").json()
    assert body["due_at"] is not None and body["next_due_at"] is not None
    assert api.get(f"{NEXT}?exclude={oldest.pk}").json()["item"]["id"] != oldest.pk


def test_review_next_is_null_with_the_next_due_time_when_nothing_is_due(api, owner):
    later = ready(owner, timezone.now() + timedelta(days=3))

    response = api.get(NEXT)

    assert response.status_code == 200
    body = response.json()
    assert body["item"] is None and body["due_at"] is None
    assert body["next_due_at"].startswith(later.review_due.isoformat()[:16])


def test_an_attempt_schedules_the_item_with_fsrs_graded_from_its_errors(api, owner):
    right = ready(owner, timezone.now(), text="The cat sat on the mat.")
    wrong = ready(owner, timezone.now(), text="The dog ran in the park.")

    attempt(api, right, "The cat sat on the mat")
    attempt(api, wrong, "A bird flew over a tree")

    right.refresh_from_db()
    wrong.refresh_from_db()
    assert right.review_state == ReviewState.LEARNING and right.review_memory["stability"] > 0
    assert right.review_due > wrong.review_due > timezone.now()
    assert review.rating_for(wer=0, typos=0, mistakes=0).name == "Good"
    assert review.rating_for(wer=0.1, typos=1, mistakes=0).name == "Hard"
    assert review.rating_for(wer=0.5, typos=0, mistakes=3).name == "Again"


def test_a_well_known_item_is_learned_and_due_much_later(api, owner):
    item = ready(owner, timezone.now(), text="Good morning.")
    for _ in range(3):
        Item.objects.filter(pk=item.pk).update(review_due=timezone.now())
        attempt(api, item, "good morning")

    item.refresh_from_db()
    assert item.review_state == ReviewState.REVIEW
    assert item.review_due > timezone.now() + timedelta(hours=12)


def test_review_stats_count_due_new_learning_learned_and_forecast_30_days(api, owner):
    now = timezone.now()
    ready(owner, now - timedelta(minutes=1))
    ready(owner, now + timedelta(days=2, hours=1), review_state=ReviewState.REVIEW)
    ready(owner, now + timedelta(minutes=5), review_state=ReviewState.LEARNING)
    ready(owner, now + timedelta(days=60), review_state=ReviewState.REVIEW)

    body = api.get("/api/v1/dictation/stats/review").json()

    assert (body["due"], body["new"], body["learning"], body["learned"]) == (1, 1, 1, 2)
    assert len(body["forecast"]) == 30 and sum(d["due"] for d in body["forecast"]) == 3
    assert body["forecast"][2]["due"] + body["forecast"][3]["due"] == 1
    assert review.due_count(owner=owner, now=now) == 1


def test_the_due_count_selector_counts_playable_due_items(owner):
    from dictation import selectors

    ready(owner, timezone.now() - timedelta(minutes=1))
    ready(owner, timezone.now() + timedelta(days=1))
    ItemFactory(owner=owner, review_due=timezone.now() - timedelta(days=1))  # audio not made yet

    assert selectors.review_due_count(owner=owner) == 1
