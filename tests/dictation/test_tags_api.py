import pytest

from dictation.models import Tag
from tests.dictation.factories import ItemFactory

pytestmark = pytest.mark.django_db

TAGS = "/api/v1/dictation/tags"


def test_it_creates_lists_and_deletes_tags(api, owner):
    created = api.post(TAGS, {"name": "  Week  One "}, format="json")
    assert created.status_code == 201 and created.json()["name"] == "week one"
    item = ItemFactory(owner=owner)
    item.tags.set([Tag.objects.get(pk=created.json()["id"])])

    listing = api.get(TAGS).json()
    assert [(t["name"], t["items_count"]) for t in listing] == [("week one", 1)]

    assert api.delete(f"{TAGS}/{created.json()['id']}").status_code == 204
    assert api.get(TAGS).json() == [] and item.tags.count() == 0


def test_it_refuses_a_duplicate_tag(api):
    api.post(TAGS, {"name": "verbs"}, format="json")

    response = api.post(TAGS, {"name": "VERBS"}, format="json")

    assert response.status_code == 409 and response.json()["error"]["code"] == "duplicate_tag"


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x" * 51}])
def test_it_refuses_a_bad_tag_name(api, body):
    assert api.post(TAGS, body, format="json").status_code == 400
