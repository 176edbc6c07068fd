from datetime import timedelta

import factory
from django.utils import timezone

from music.models import LibraryTrack, MusicAccount, Turn
from tests.factories import UserFactory


class MusicAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MusicAccount

    owner = factory.SubFactory(UserFactory)
    platform = "spotify"
    access_token = "not-a-real-token"
    refresh_token = "not-a-real-refresh-token"
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1))
    is_preferred = True


class LibraryTrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LibraryTrack

    owner = factory.SubFactory(UserFactory)
    platform = "spotify"
    uri = factory.Sequence(lambda n: f"spotify:track:lib{n:06d}")
    title = factory.Sequence(lambda n: f"Library Song {n}")
    artist = "Somebody"
    search_text = factory.LazyAttribute(lambda t: f"{t.title} {t.artist}".lower())


class TurnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Turn

    owner = factory.SubFactory(UserFactory)
    text = "play butta bomma"
    action = "PLAY"
    parameters = factory.LazyFunction(dict)
    status = "ok"
    response_text = "Playing Butta Bomma by Armaan Malik on Pixel phone."
