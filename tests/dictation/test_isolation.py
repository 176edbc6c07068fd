"""Lists and statistics never show another user's rows (the generated outsider test covers URLs with ids)."""

import pytest

from tests.dictation.factories import AttemptFactory, ItemFactory, TagFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/dictation"


@pytest.fixture
def someone_elses_data(outsider):
    item = ItemFactory(owner=outsider, text="Private sentence.")
    item.tags.set([TagFactory(owner=outsider, name="secret")])
    AttemptFactory(item=item, wer=0.9)
    return item


def test_lists_and_stats_show_nothing_of_another_user(api, someone_elses_data):
    assert api.get(f"{BASE}/items").json()["count"] == 0
    assert api.get(f"{BASE}/items?tags=secret").json()["count"] == 0
    assert api.get(f"{BASE}/attempts").json()["count"] == 0
    assert api.get(f"{BASE}/tags").json() == []
    summary = api.get(f"{BASE}/stats/summary").json()
    assert summary["attempts"] == 0 and summary["items_total"] == 0 and summary["average_wer"] is None
    assert api.get(f"{BASE}/stats/practice-log").json()["count"] == 0
    assert all(day["attempts"] == 0 for day in api.get(f"{BASE}/stats/progress").json()["days"])


def test_the_review_queue_and_weak_words_show_nothing_of_another_user(api, outsider):
    from dictation import services

    item = ItemFactory(owner=outsider, text="Private sentence.", tts_status="completed")
    services.attempt_create(owner=outsider, item=item, text="privat sentence")

    assert api.get(f"{BASE}/review/next").json() == {"item": None, "due_at": None, "next_due_at": None}
    review = api.get(f"{BASE}/stats/review").json()
    assert (review["due"], review["new"], review["learning"], review["learned"]) == (0, 0, 0, 0)
    assert api.get(f"{BASE}/stats/weak-words").json() == {"words": []}


def test_filters_naming_another_users_item_answer_404(api, someone_elses_data):
    assert api.get(f"{BASE}/attempts?item_id={someone_elses_data.pk}").status_code == 404
    assert api.get(f"{BASE}/stats/progress?item_id={someone_elses_data.pk}").status_code == 404


def test_a_tag_name_another_user_has_is_free_to_take(api, someone_elses_data):
    assert api.post(f"{BASE}/tags", {"name": "secret"}, format="json").status_code == 201


def test_anonymous_requests_are_refused():
    from rest_framework.test import APIClient

    assert APIClient().get(f"{BASE}/items").status_code in (401, 403)
