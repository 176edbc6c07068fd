from tests.dictation.factories import AttemptFactory, ItemFactory, TagFactory
from tests.ownership import id_input, owned


@owned("item_id")
def _item(owner):
    return ItemFactory(owner=owner).pk


@owned("attempt_id")
def _attempt(owner):
    return AttemptFactory(item=ItemFactory(owner=owner)).pk


@owned("tag_id")
def _tag(owner):
    return TagFactory(owner=owner).pk


# Item ids in bodies and query strings.
@id_input("POST", "/api/v1/dictation/attempts", "item_id")
def _attempt_on_item(user):
    return {}, {"item_id": ItemFactory(owner=user).pk, "text": "hello"}


@id_input("GET", "/api/v1/dictation/attempts", "item_id", where="query")
def _attempts_of_item(user):
    return {}, {"item_id": AttemptFactory(item=ItemFactory(owner=user)).item_id}


@id_input("GET", "/api/v1/dictation/stats/progress", "item_id", where="query")
def _progress_of_item(user):
    return {}, {"item_id": AttemptFactory(item=ItemFactory(owner=user)).item_id}
