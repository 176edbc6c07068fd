import io
import wave
from pathlib import Path

import pytest
from django.conf import settings

from dictation.models import Item, Tag, TTSTask
from tests.dictation.factories import AttemptFactory, ItemFactory, TagFactory

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/dictation/items"


def test_it_answers_202_with_the_item_and_generates_playable_audio(api, create_item):
    item = create_item(text="The cat sat on the mat.", tags=["Animals"])

    assert item["id"] and item["text"] == "The cat sat on the mat."
    assert item["locale"] == "en-US" and item["tags"] == ["animals"]
    status = api.get(f"{ITEMS}/{item['id']}/tts-status").json()
    assert status["status"] == "completed" and status["sample_rate"] == 22050
    audio = api.get(f"{ITEMS}/{item['id']}/audio")
    assert audio.status_code == 200 and audio["Content-Type"] == "audio/wav"
    with wave.open(io.BytesIO(b"".join(audio.streaming_content))) as wav:
        assert wav.getframerate() == 22050 and 0.8 < wav.getnframes() / 22050 < 5
    detail = api.get(f"{ITEMS}/{item['id']}").json()
    assert detail["tts_status"] == "completed" and detail["duration"] > 0.8
    assert detail["audio_url"] == f"{ITEMS}/{item['id']}/audio"


def test_it_infers_difficulty_when_none_is_given_and_keeps_a_given_one(create_item):
    short = create_item(text="Good morning.")
    long = create_item(text="Notwithstanding considerable organisational difficulties, the international "
                            "committee nevertheless published comprehensive recommendations yesterday afternoon.")
    given = create_item(text="Good evening.", difficulty=4)

    assert (short["difficulty"], short["difficulty_inferred"]) == (1, True)
    assert long["difficulty"] >= 3 and long["difficulty_inferred"]
    assert (given["difficulty"], given["difficulty_inferred"]) == (4, False)


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"text": "", "locale": "en-US"}, "text", "blank"),
        ({"text": "   ", "locale": "en-US"}, "text", "blank"),
        ({"text": "x" * 501, "locale": "en-US"}, "text", "max_length"),
        ({"locale": "en-US"}, "text", "required"),
        ({"text": "Hello.", "locale": "zz-ZZ"}, "locale", "unknown_locale"),
        ({"text": "Hello.", "locale": "not a locale"}, "locale", "unknown_locale"),
        ({"text": "Hello."}, "locale", "required"),
        ({"text": "Hello.", "locale": "en-US", "difficulty": 0}, "difficulty", "min_value"),
        ({"text": "Hello.", "locale": "en-US", "difficulty": 6}, "difficulty", "max_value"),
        ({"text": "Hello.", "locale": "en-US", "tags": "travel"}, "tags", "not_a_list"),
    ],
)
def test_it_rejects_bad_input_with_a_clear_error(api, body, field, code):
    response = api.post(ITEMS, body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code and field in error["details"]["fields"]
    assert not Item.objects.exists()


def test_it_creates_in_bulk_and_reports_each_row(api, django_capture_on_commit_callbacks):
    body = {"locale": "en-US", "tags": ["week 1"], "items": [
        "One sentence here.", {"text": ""}, {"text": "Two sentences there.", "difficulty": 5}, {"text": "Hi", "locale": "xx"},
    ]}
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"{ITEMS}/bulk", body, format="json")

    assert response.status_code == 202
    result = response.json()
    assert (result["created"], result["failed"]) == (2, 2)
    rows = result["results"]
    assert [r["ok"] for r in rows] == [True, False, True, False]
    assert rows[1]["error"]["details"]["fields"]["text"] and rows[3]["error"]["details"]["fields"]["locale"]
    assert rows[2]["item"]["difficulty"] == 5 and rows[0]["item"]["tags"] == ["week 1"]
    assert set(Item.objects.values_list("tts_status", flat=True)) == {"completed"}


def test_it_skips_duplicates_in_bulk_and_reports_them_as_the_page_does(api, owner):
    ItemFactory(owner=owner, text="Already here.")
    ItemFactory(text="Someone else's sentence.")  # another user's items are no duplicates
    body = {"locale": "en-US", "items": [
        "Good line one.", "Already here.", {"text": "Good line one."}, "Someone else's sentence.",
    ]}
    response = api.post(f"{ITEMS}/bulk", body, format="json")

    assert response.status_code == 202
    result = response.json()
    assert (result["created"], result["failed"]) == (2, 2)
    rows = result["results"]
    assert [r["ok"] for r in rows] == [True, False, False, True]
    assert rows[1]["error"]["code"] == "invalid"
    assert rows[1]["error"]["details"]["fields"] == {"text": ["You already have this sentence."]}
    assert rows[2]["error"]["details"]["fields"] == {"text": ["The same sentence as item 0."]}
    texts = sorted(Item.objects.filter(owner=owner).values_list("text", flat=True))
    assert texts == ["Already here.", "Good line one.", "Someone else's sentence."]


def test_it_refuses_a_bulk_body_that_is_not_a_list(api):
    response = api.post(f"{ITEMS}/bulk", {"items": "one line"}, format="json")

    assert response.status_code == 400 and response.json()["error"]["code"] == "not_a_list"


def test_it_filters_sorts_and_paginates_the_list(api, owner):
    travel = TagFactory(owner=owner, name="travel")
    food = TagFactory(owner=owner, name="food")
    easy = ItemFactory(owner=owner, text="Easy one.", difficulty=1, locale="en-US")
    easy.tags.set([travel])
    hard = ItemFactory(owner=owner, text="Hard one.", difficulty=5, locale="en-GB")
    hard.tags.set([travel, food])
    middle = ItemFactory(owner=owner, text="Middle one.", difficulty=3, locale="fr-FR")
    AttemptFactory(item=middle)
    middle.last_attempt_at = middle.created_at
    middle.save()

    def ids(query):
        response = api.get(f"{ITEMS}?{query}")
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids("locale=en-GB") == [hard.pk]
    assert ids("tags=travel") == [hard.pk, easy.pk]
    assert ids("tags=travel,food") == [hard.pk]
    assert ids("difficulty_min=2&difficulty_max=4") == [middle.pk]
    assert ids("practiced=true") == [middle.pk]
    assert ids("practiced=false&sort=difficulty") == [easy.pk, hard.pk]
    assert ids("sort=-difficulty") == [hard.pk, middle.pk, easy.pk]
    page = api.get(f"{ITEMS}?sort=difficulty&page_size=2&page=2").json()
    assert page["count"] == 3 and [r["id"] for r in page["results"]] == [hard.pk]


@pytest.mark.parametrize(
    "query", ["page_size=101", "page_size=0", "page=0", "sort=colour", "difficulty_min=4&difficulty_max=2",
              "difficulty_min=9", "practiced=perhaps"],
)
def test_it_rejects_bad_list_parameters(api, query):
    response = api.get(f"{ITEMS}?{query}")

    assert response.status_code == 400 and "error" in response.json()


def test_it_updates_difficulty_and_tags(api, owner):
    item = ItemFactory(owner=owner, difficulty=2)

    response = api.patch(f"{ITEMS}/{item.pk}/difficulty", {"difficulty": 4}, format="json")
    assert response.status_code == 200 and response.json()["difficulty"] == 4
    assert api.patch(f"{ITEMS}/{item.pk}/difficulty", {"difficulty": 7}, format="json").status_code == 400
    response = api.patch(f"{ITEMS}/{item.pk}/tags", {"tags": ["Verbs", "week 2", "verbs"]}, format="json")
    assert response.status_code == 200 and sorted(response.json()["tags"]) == ["verbs", "week 2"]
    assert api.patch(f"{ITEMS}/{item.pk}/tags", {"tags": "verbs"}, format="json").status_code == 400
    assert set(Tag.objects.filter(owner=owner).values_list("name", flat=True)) == {"verbs", "week 2"}
    item.refresh_from_db()
    assert item.difficulty == 4 and not item.difficulty_inferred


def test_it_deletes_the_item_and_its_audio_file(api, create_item, django_capture_on_commit_callbacks):
    item = create_item(text="Delete me after this.")
    path = Path(settings.MEDIA_ROOT) / Item.objects.get(pk=item["id"]).audio_file
    assert path.is_file()

    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(f"{ITEMS}/{item['id']}")

    assert response.status_code == 204
    assert not path.exists() and not Item.objects.filter(pk=item["id"]).exists()
    assert api.get(f"{ITEMS}/{item['id']}").status_code == 404


def test_it_reuses_identical_audio_and_keeps_it_while_an_item_plays_it(api, create_item,
                                                                        django_capture_on_commit_callbacks):
    first = create_item(text="Same words twice.")
    second = create_item(text="Same   words twice.")

    a, b = Item.objects.get(pk=first["id"]), Item.objects.get(pk=second["id"])
    assert a.audio_file == b.audio_file
    assert TTSTask.objects.get(item=b).reused
    with django_capture_on_commit_callbacks(execute=True):
        api.delete(f"{ITEMS}/{a.pk}")
    assert (Path(settings.MEDIA_ROOT) / b.audio_file).is_file()
    assert api.get(f"{ITEMS}/{b.pk}/audio").status_code == 200


def test_the_status_never_tells_a_user_that_someone_else_has_an_item_with_the_same_text(
    api, outsider_api, create_item, django_capture_on_commit_callbacks
):
    mine = create_item(text="Meet me at the old mill at nine.")
    with django_capture_on_commit_callbacks(execute=True):
        theirs = outsider_api.post(ITEMS, {"locale": "en-US", "text": "Meet me at the old mill at nine."}, format="json")

    mine_status = api.get(f"{ITEMS}/{mine['id']}/tts-status").json()
    theirs_status = outsider_api.get(f"{ITEMS}/{theirs.json()['id']}/tts-status").json()

    assert mine_status["reused"] is False
    assert theirs_status["status"] == "completed" and theirs_status["reused"] is False
    # The audio itself is still shared: it is the same text, said by the same voice.
    assert Item.objects.get(pk=theirs.json()["id"]).audio_file == Item.objects.get(pk=mine["id"]).audio_file


def test_it_serves_byte_ranges_of_the_audio(api, create_item):
    item = create_item(text="Seek inside this sound.")
    url = f"{ITEMS}/{item['id']}/audio"
    whole = b"".join(api.get(url).streaming_content)

    part = api.get(url, HTTP_RANGE="bytes=0-43")
    assert part.status_code == 206 and b"".join(part.streaming_content) == whole[:44]
    assert part["Content-Range"] == f"bytes 0-43/{len(whole)}"
    assert part["Content-Disposition"] == f'inline; filename="item-{item["id"]}.wav"'
    assert part["Content-Type"] == "audio/wav"
    assert (part["X-Content-Type-Options"], part["Content-Security-Policy"]) == ("nosniff", "sandbox")
    tail = api.get(url, HTTP_RANGE="bytes=-10")
    assert tail.status_code == 206 and b"".join(tail.streaming_content) == whole[-10:]
    open_ended = api.get(url, HTTP_RANGE=f"bytes={len(whole) - 5}-")
    assert b"".join(open_ended.streaming_content) == whole[-5:]
    outside = api.get(url, HTTP_RANGE=f"bytes={len(whole)}-")
    assert outside.status_code == 416 and outside["Content-Range"] == f"bytes */{len(whole)}"


def test_it_answers_409_for_audio_that_is_not_ready(api, owner):
    item = ItemFactory(owner=owner)

    response = api.get(f"{ITEMS}/{item.pk}/audio")

    assert response.status_code == 409 and response.json()["error"]["code"] == "audio_not_ready"


def test_deleting_the_account_deletes_its_audio(create_item, owner):
    from sawt.accounts.services import account_delete

    item = create_item(text="Gone with my account.")
    path = Path(settings.MEDIA_ROOT) / Item.objects.get(pk=item["id"]).audio_file

    account_delete(user=owner)

    assert not path.exists() and not Item.objects.filter(pk=item["id"]).exists()


def test_patch_changes_any_field_and_a_new_text_queues_new_audio(api, owner, django_capture_on_commit_callbacks):
    from dictation.models import TTSTask

    item = ItemFactory(owner=owner, text="Old words.", tts_status="completed")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch(f"{ITEMS}/{item.pk}", {"hint": "New hint", "keep_punctuation": True}, format="json")
    assert response.status_code == 200 and response.json()["hint"] == "New hint"
    assert response.json()["text"] == "Old words." and not TTSTask.objects.filter(item=item).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch(f"{ITEMS}/{item.pk}", {"text": "Fresh words here."}, format="json")
    assert response.status_code == 200 and response.json()["text"] == "Fresh words here."
    assert TTSTask.objects.filter(item=item).count() == 1
    assert api.patch(f"{ITEMS}/{item.pk}", {"difficulty": 7}, format="json").status_code == 400
