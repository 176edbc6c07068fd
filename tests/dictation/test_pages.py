import pytest
from django.test import Client

from dictation.models import Item
from tests.dictation.factories import AttemptFactory, ItemFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(owner):
    client = Client()
    client.force_login(owner)
    return client


def test_the_list_shows_the_users_items_with_filters(browser, owner, outsider):
    tag = TagFactory(owner=owner, name="travel")
    ItemFactory(owner=owner, text="Where is the station?").tags.set([tag])
    ItemFactory(owner=owner, text="I like green tea.", difficulty=4)
    ItemFactory(owner=outsider, text="Not yours to see.")

    page = browser.get("/dictation/").content.decode()
    assert "Where is the station?" in page and "I like green tea." in page and "Not yours" not in page

    filtered = browser.get("/dictation/?tags=travel").content.decode()
    assert "Where is the station?" in filtered and "green tea" not in filtered
    hard = browser.get("/dictation/?difficulty_min=3").content.decode()
    assert "green tea" in hard and "station" not in hard


def test_the_editor_adds_pasted_sentences_one_a_line(browser, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post("/dictation/new", {
            "mode": "bulk", "lines": "First line here.\n\n  Second line here.  \n", "locale": "en-US",
            "tags": "week 1, verbs",
        })

    assert response.status_code == 302
    items = Item.objects.filter(owner=owner).order_by("id")
    assert [i.text for i in items] == ["First line here.", "Second line here."]
    assert sorted(items[0].tags.values_list("name", flat=True)) == ["verbs", "week 1"]
    assert {i.tts_status for i in items} == {"completed"}


def test_the_editor_adds_one_sentence_with_its_options(browser, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post("/dictation/new", {
            "mode": "single", "text": "I am here.", "locale": "en-US", "alternatives": "I'm here.",
            "hint": "Four words", "case_sensitive": "on",
        })

    item = Item.objects.get(owner=owner)
    assert response.status_code == 302 and response["Location"] == f"/dictation/items/{item.pk}/practice"
    assert item.alternatives == ["I'm here."] and item.hint == "Four words" and item.case_sensitive


def test_the_editor_shows_what_is_wrong(browser, owner):
    response = browser.post("/dictation/new", {"mode": "single", "text": "Hello.", "locale": "zz-ZZ"})

    assert response.status_code == 400 and "No voice speaks this locale." in response.content.decode()
    assert not Item.objects.exists()


def test_the_practice_page_carries_what_its_script_needs(browser, owner):
    item = ItemFactory(owner=owner, hint="Think of animals.")

    page = browser.get(f"/dictation/items/{item.pk}/practice").content.decode()

    assert f'data-audio-url="/api/v1/dictation/items/{item.pk}/audio"' in page
    assert "js/dictation.js" in page and "Think of animals." in page and "<script>" not in page


def test_the_stats_page_summarises_practice(browser, owner):
    AttemptFactory(item=ItemFactory(owner=owner, text="Counted sentence."), wer=0.5)

    page = browser.get("/dictation/stats").content.decode()

    assert "Counted sentence." in page and "50%" in page and 'data-progress-url="/api/v1/dictation/stats/progress"' in page


def test_deleting_from_the_list_removes_the_item(browser, owner):
    item = ItemFactory(owner=owner)

    assert browser.post(f"/dictation/items/{item.pk}/delete").status_code == 302
    assert not Item.objects.filter(pk=item.pk).exists()


def test_the_item_page_changes_difficulty_and_tags_and_remakes_the_audio(browser, owner,
                                                                         django_capture_on_commit_callbacks):
    item = ItemFactory(owner=owner, text="The ship sailed at dawn.", tts_status="completed")
    item.tags.set([TagFactory(owner=owner, name="old")])
    page = browser.get(f"/dictation/items/{item.pk}/edit").content.decode()
    assert "The ship sailed at dawn." in page and 'value="old"' in page

    assert browser.post(f"/dictation/items/{item.pk}/edit", {"difficulty": "9", "tags": "x"}).status_code == 400
    saved = browser.post(f"/dictation/items/{item.pk}/edit", {"difficulty": "4", "tags": "travel, week 1"})
    assert saved.status_code == 302
    item.refresh_from_db()
    assert (item.difficulty, item.difficulty_inferred) == (4, False)
    assert sorted(item.tags.values_list("name", flat=True)) == ["travel", "week 1"]

    with django_capture_on_commit_callbacks(execute=True):
        assert browser.post(f"/dictation/items/{item.pk}/edit", {"action": "regenerate"}).status_code == 302
    item.refresh_from_db()
    assert item.tts_status == "completed" and item.tts_tasks.filter(force=True, status="completed").exists()


def test_the_review_and_weak_word_pages_carry_their_queue(browser, owner):
    from dictation import services

    item = ItemFactory(owner=owner, text="Rhythm matters.", tts_status="completed")
    services.attempt_create(owner=owner, item=item, text="rythm matters")

    review = browser.get("/dictation/review").content.decode()
    weak = browser.get("/dictation/review/weak-words").content.decode()

    assert 'data-mode="review"' in review and 'data-api="/api/v1/dictation/"' in review
    assert 'data-mode="weak"' in weak and f'id="weak-queue" type="application/json">[{item.pk}]' in weak


def test_the_stats_page_shows_the_review_schedule_and_weak_words(browser, owner):
    from dictation import services

    item = ItemFactory(owner=owner, text="Rhythm matters.", tts_status="completed")
    services.attempt_create(owner=owner, item=item, text="rythm matters")

    page = browser.get("/dictation/stats").content.decode()

    assert 'id="review-learning">1<' in page and 'id="forecast-data"' in page
    assert "rhythm (1)" in page and "Practise my weak words" in page


def test_every_field_of_an_item_can_be_edited_and_a_new_text_makes_new_audio(
        browser, owner, django_capture_on_commit_callbacks):
    item = ItemFactory(owner=owner, text="The ship sailed at dawn.", tts_status="completed",
                       audio_file="dictation/audio/ab/old.wav", difficulty_inferred=True)
    form = {"text": "The boat sailed at dusk.", "locale": "en-GB", "difficulty": "", "tags": "sea",
            "alternatives": "The ship sailed at dusk.", "hint": "Boats.", "case_sensitive": "on"}

    with django_capture_on_commit_callbacks(execute=True):
        assert browser.post(f"/dictation/items/{item.pk}/edit", form).status_code == 302

    item.refresh_from_db()
    assert (item.text, item.locale, item.hint, item.alternatives) == (
        "The boat sailed at dusk.", "en-GB", "Boats.", ["The ship sailed at dusk."])
    assert (item.case_sensitive, item.keep_punctuation, item.difficulty_inferred) == (True, False, True)
    assert item.tts_status == "completed" and item.audio_file != "dictation/audio/ab/old.wav"
    assert item.tts_tasks.filter(status="completed").count() == 1
    assert 'name="locale"' in browser.get(f"/dictation/items/{item.pk}/edit").content.decode()


def test_deleting_asks_for_confirmation_first(browser, owner):
    item = ItemFactory(owner=owner, hint="A secret sentence.")

    page = browser.get(f"/dictation/items/{item.pk}/delete").content.decode()

    assert "Delete this item?" in page and "A secret sentence." in page and item.text not in page
    assert Item.objects.filter(pk=item.pk).exists()


def test_bulk_paste_keeps_good_lines_and_reports_bad_ones_by_their_real_line_number(
        browser, owner, django_capture_on_commit_callbacks):
    ItemFactory(owner=owner, text="Already here.")
    lines = "\n".join(["Good line one.", "", "x" * 600, "Already here.", "Good line one.", "Good line two."])

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post("/dictation/new", {"mode": "bulk", "lines": lines, "locale": "en-US",
                                                   "tags": "bulk tag"})

    page = response.content.decode()
    assert response.status_code == 200 and "Added 2 items" in page
    assert "Line 3: text: Ensure this field has no more than 500 characters." in page
    assert "Line 4: text: You already have this sentence." in page
    assert "Line 5: text: The same sentence as line 1." in page
    texts = sorted(Item.objects.filter(owner=owner).values_list("text", flat=True))
    assert texts == ["Already here.", "Good line one.", "Good line two."]
    # The bulk form keeps its text; the single-item form gets none of the bulk values.
    assert 'id="b-tags" name="tags" value="bulk tag"' in page
    assert 'id="s-tags" name="tags" value=""' in page and '<textarea id="s-text" name="text" rows="3" required maxlength="500"></textarea>' in page


def test_the_list_hides_unpractised_sentences_and_watches_the_audio_state(browser, owner):
    secret = ItemFactory(owner=owner, text="A secret sentence.", hint="Something hidden.", tts_status="pending")
    practised = ItemFactory(owner=owner, text="A practised sentence.", tts_status="completed", attempts_count=1)

    page = browser.get("/dictation/").content.decode()

    assert '>Something hidden.</a>' in page and "<summary>Show sentence</summary>A secret sentence." in page
    assert f'{practised.text}</a>' in page and page.count("<summary>Show sentence</summary>") == 1
    assert f'data-item-id="{secret.pk}" data-status="pending"' in page and "js/dictation.js" in page
    assert '<option value="en-US"' in page and "0 attempts · New" in page
    shown = browser.get("/dictation/?show=1").content.decode()
    assert f'{secret.text}</a>' in shown and "<summary>" not in shown
