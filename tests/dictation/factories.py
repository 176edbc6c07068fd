import factory

from dictation.models import Attempt, Item, Tag
from tests.factories import UserFactory


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"tag{n}")


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    owner = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"Sentence number {n} is here.")
    locale = "en-US"
    difficulty = 2
    voice = "joe-us"


class AttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attempt

    owner = factory.LazyAttribute(lambda a: a.item.owner)
    item = factory.SubFactory(ItemFactory)
    text = "typed"
    wer = 0.25
    cer = 0.1
    reference_words = 4
    hits = 3
    substitutions = 1
    deletions = 0
    insertions = 0
    typos = 0
    mistakes = 1
