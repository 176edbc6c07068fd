from tests.dictation.factories import AttemptFactory, ItemFactory, TagFactory
from tests.ownership import owned


@owned("item_id")
def _item(owner):
    return ItemFactory(owner=owner).pk


@owned("attempt_id")
def _attempt(owner):
    return AttemptFactory(item=ItemFactory(owner=owner)).pk


@owned("tag_id")
def _tag(owner):
    return TagFactory(owner=owner).pk
