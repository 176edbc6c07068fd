"""API routes under /api/v1/chat/."""

from django.urls import URLPattern, URLResolver, path

from sawt.chat import apis

urlpatterns: list[URLPattern | URLResolver] = [
    path("sessions/", apis.ChatSessionListApi.as_view(), name="chat-session-list"),
    path("sessions/<int:session_id>/", apis.ChatSessionDetailApi.as_view(), name="chat-session-detail"),
    *(
        path(
            f"sessions/<int:session_id>/export/{kind}/",
            apis.ChatSessionExportApi.as_view(),
            {"kind": kind},
            name=f"chat-session-export-{kind}",
        )
        for kind in apis.EXPORT_TYPES
    ),
]
