import factory

from sawt.chat.models import ChatMessage, ChatSession
from tests.factories import UserFactory


class ChatSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChatSession

    owner = factory.SubFactory(UserFactory)
    language = "en"


class ChatMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChatMessage

    session = factory.SubFactory(ChatSessionFactory)
    text = "Ask not what your country can do for you."
    start = 0.0
    end = 2.5
