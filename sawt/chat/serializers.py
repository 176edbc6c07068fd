from rest_framework import serializers

from sawt.chat.models import ChatMessage, ChatSession


class ChatMessageOutput(serializers.ModelSerializer[ChatMessage]):
    class Meta:
        model = ChatMessage
        fields = ["id", "text", "start", "end", "created_at"]


class ChatSessionListOutput(serializers.ModelSerializer[ChatSession]):
    message_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ChatSession
        fields = ["id", "title", "language", "started_at", "ended_at", "audio_seconds", "message_count"]


class ChatSessionDetailOutput(serializers.ModelSerializer[ChatSession]):
    messages = ChatMessageOutput(many=True, read_only=True)

    class Meta:
        model = ChatSession
        fields = ["id", "title", "language", "started_at", "ended_at", "audio_seconds", "messages"]
