from django.contrib import admin

from sawt.chat.models import ChatMessage, ChatSession


class ChatMessageInline(admin.TabularInline[ChatMessage, ChatSession]):
    model = ChatMessage
    fields = ["start", "end", "text"]
    readonly_fields = ["start", "end", "text"]
    extra = 0
    can_delete = False


@admin.register(ChatSession)
class ChatSessionAdmin(admin.ModelAdmin[ChatSession]):
    list_display = ["id", "owner", "language", "started_at", "ended_at"]
    list_filter = ["language"]
    search_fields = ["owner__username", "messages__text"]
    raw_id_fields = ["owner"]
    readonly_fields = ["started_at"]
    inlines = [ChatMessageInline]
