import pytest

from dictation.models import TTSStatus
from tests.dictation.factories import ItemFactory

WEAK = "/api/v1/dictation/stats/weak-words"
pytestmark = pytest.mark.django_db


def attempt(api, item, text):
    response = api.post("/api/v1/dictation/attempts", {"item_id": item.pk, "text": text}, format="json")
    assert response.status_code == 201, response.json()


def test_weak_words_lists_the_most_missed_words_with_counts_and_items(api, owner):
    first = ItemFactory(owner=owner, text="The necessary accommodation is ready.", tts_status=TTSStatus.COMPLETED)
    second = ItemFactory(owner=owner, text="Accommodation was necessary.", tts_status=TTSStatus.COMPLETED)
    attempt(api, first, "The neccesary acommodation is ready")
    attempt(api, second, "Acomodation was necessary")
    attempt(api, first, "The necessary acommodation is")

    words = api.get(WEAK).json()["words"]

    top = words[0]
    assert (top["word"], top["misses"], top["seen"]) == ("accommodation", 3, 3)
    assert set(top["item_ids"]) == {first.pk, second.pk} and top["last_seen_at"]
    assert {w["word"]: w["misses"] for w in words} == {"accommodation": 3, "necessary": 1, "ready": 1}
    assert api.get(f"{WEAK}?limit=1").json()["words"] == [top]


def test_weak_words_are_the_learners_own(api, owner):
    other = ItemFactory(text="Rhythm.", tts_status=TTSStatus.COMPLETED)
    from dictation import services

    services.attempt_create(owner=other.owner, item=other, text="rythm")

    assert api.get(WEAK).json()["words"] == []
    assert api.get(f"{WEAK}?limit=0").status_code == 400


def test_a_deleted_item_takes_its_words_off_the_list(api, owner):
    item = ItemFactory(owner=owner, text="Rhythm and blues.", tts_status=TTSStatus.COMPLETED)
    attempt(api, item, "rythm and blues")
    assert api.get(WEAK).json()["words"][0]["word"] == "rhythm"

    assert api.delete(f"/api/v1/dictation/items/{item.pk}").status_code == 204

    assert api.get(WEAK).json()["words"] == []


def test_a_right_attempt_counts_the_words_as_seen_and_keeps_when_they_were_last_missed(api, owner):
    first = ItemFactory(owner=owner, text="Rhythm and blues.", tts_status=TTSStatus.COMPLETED)
    second = ItemFactory(owner=owner, text="A rhythm, a rhythm.", tts_status=TTSStatus.COMPLETED)
    attempt(api, first, "rythm and blues")
    missed_at = api.get(WEAK).json()["words"][0]["last_missed_at"]
    attempt(api, first, "rhythm and blues")
    attempt(api, second, "a rhythm a rythm")

    rhythm = next(w for w in api.get(WEAK).json()["words"] if w["word"] == "rhythm")
    assert (rhythm["misses"], rhythm["seen"]) == (2, 4)  # a word twice in a sentence is seen twice
    assert rhythm["last_missed_at"] > missed_at and rhythm["last_seen_at"] == rhythm["last_missed_at"]
    assert rhythm["item_ids"] == [first.pk, second.pk]  # one miss each: the lower id first

    assert api.delete(f"/api/v1/dictation/items/{second.pk}").status_code == 204
    rhythm = api.get(WEAK).json()["words"][0]
    assert (rhythm["word"], rhythm["misses"], rhythm["seen"], rhythm["item_ids"]) == ("rhythm", 1, 2, [first.pk])
