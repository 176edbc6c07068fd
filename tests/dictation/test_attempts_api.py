from datetime import timedelta

import pytest
from django.utils import timezone

from dictation.models import Item
from tests.dictation.factories import AttemptFactory, ItemFactory

pytestmark = pytest.mark.django_db

ATTEMPTS = "/api/v1/dictation/attempts"


def attempt(api, item, text):
    response = api.post(ATTEMPTS, {"item_id": item.pk, "text": text}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_it_scores_one_wrong_word_with_its_wer_and_diff(api, owner):
    item = ItemFactory(owner=owner, text="The quick brown fox jumps over the dog.")

    result = attempt(api, item, "The quick brown cat jumps over the dog")

    assert result["wer"] == pytest.approx(1 / 8)
    assert (result["substitutions"], result["deletions"], result["insertions"]) == (1, 0, 0)
    assert (result["mistakes"], result["typos"]) == (1, 0)
    wrong = [{k: w[k] for k in ("op", "expected", "typed", "kind")} for w in result["diff"] if w["kind"] != "ok"]
    assert wrong == [{"op": "substitute", "expected": "fox", "typed": "cat", "kind": "mistake"}]
    assert len(result["diff"]) == 8
    item.refresh_from_db()
    assert item.attempts_count == 1 and item.last_attempt_at is not None


def test_it_reports_a_small_typo_in_a_long_word_apart_from_mistakes(api, owner):
    item = ItemFactory(owner=owner, text="A beautiful afternoon in the mountains.")

    result = attempt(api, item, "A beautiful aftrenoon in teh mountains")

    assert result["wer"] == pytest.approx(2 / 6)
    assert (result["typos"], result["mistakes"]) == (1, 1)
    kinds = {w["expected"]: w["kind"] for w in result["diff"] if w["kind"] != "ok"}
    assert kinds == {"afternoon": "typo", "the": "mistake"}


def test_it_ignores_case_punctuation_and_apostrophe_and_dash_variants_by_default(api, owner):
    item = ItemFactory(owner=owner, text="Don't stop — it's a well-known song!")

    result = attempt(api, item, "don’t STOP it's a well–known song")

    assert result["wer"] == 0 and result["mistakes"] == 0


def test_it_counts_case_when_the_item_is_case_sensitive(api, owner):
    item = ItemFactory(owner=owner, text="Paris is in France.", case_sensitive=True)

    result = attempt(api, item, "paris is in France")

    assert result["wer"] == pytest.approx(1 / 4)


def test_it_accepts_an_alternative_answer(api, owner):
    item = ItemFactory(owner=owner, text="I am going to the shop.", alternatives=["I'm going to the shop."])

    result = attempt(api, item, "I'm going to the shop")

    assert result["wer"] == 0 and result["matched_answer"] == "I'm going to the shop."


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"item_id": 999999, "text": "hello"}, 404, "item_not_found"),
    ({"text": "hello"}, 400, "required"),
    ({"item_id": "abc", "text": "hello"}, 400, "invalid"),
])
def test_it_rejects_bad_attempts(api, body, status, code):
    response = api.post(ATTEMPTS, body, format="json")

    assert response.status_code == status and response.json()["error"]["code"] == code


def test_it_rejects_an_empty_attempt(api, owner):
    item = ItemFactory(owner=owner)

    response = api.post(ATTEMPTS, {"item_id": item.pk, "text": "  "}, format="json")

    assert response.status_code == 400 and response.json()["error"]["code"] == "blank"


def test_it_does_not_score_against_someone_elses_item(api, outsider):
    item = ItemFactory(owner=outsider)

    response = api.post(ATTEMPTS, {"item_id": item.pk, "text": "hello"}, format="json")

    assert response.status_code == 404
    assert Item.objects.get(pk=item.pk).attempts_count == 0


def test_it_lists_attempts_filtered_by_item_and_time(api, owner):
    now = timezone.now()
    first, second = ItemFactory(owner=owner), ItemFactory(owner=owner)
    old = AttemptFactory(item=first, created_at=now - timedelta(days=3))
    recent = AttemptFactory(item=first, created_at=now - timedelta(hours=1))
    other = AttemptFactory(item=second, created_at=now - timedelta(hours=2))

    def ids(query):
        response = api.get(f"{ATTEMPTS}?{query}")
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids("") == [recent.pk, other.pk, old.pk]
    assert ids(f"item_id={first.pk}") == [recent.pk, old.pk]
    since = (now - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert ids(f"item_id={first.pk}&since={since}") == [recent.pk]
    assert ids(f"until={since}") == [old.pk]
    assert api.get(f"{ATTEMPTS}/{recent.pk}").json()["item_id"] == first.pk


def test_it_refuses_a_time_range_that_ends_before_it_starts(api):
    response = api.get(f"{ATTEMPTS}?since=2026-02-01&until=2026-01-01")

    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_window"
