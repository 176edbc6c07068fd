"""API routes under /api/v1/voicebot/."""

from django.urls import URLPattern, URLResolver, path

from voicebot import apis

urlpatterns: list[URLPattern | URLResolver] = [
    path("businesses/", apis.BusinessListApi.as_view(), name="voicebot-business-list"),
    path("businesses/create/", apis.BusinessCreateApi.as_view(), name="voicebot-business-create"),
    path("businesses/<int:business_id>/", apis.BusinessDetailApi.as_view(), name="voicebot-business-detail"),
    path("businesses/<int:business_id>/update/", apis.BusinessUpdateApi.as_view(), name="voicebot-business-update"),
    # The text channel answers with and without the trailing slash.
    path("businesses/<int:business_id>/chat", apis.ChatApi.as_view(), name="voicebot-chat"),
    path("businesses/<int:business_id>/chat/", apis.ChatSlashApi.as_view(), name="voicebot-chat-slash"),
    path("businesses/<int:business_id>/availability/", apis.AvailabilityApi.as_view(), name="voicebot-availability"),
    path("reservations/", apis.ReservationListApi.as_view(), name="voicebot-reservation-list"),
    path("reservations/create/", apis.ReservationCreateApi.as_view(), name="voicebot-reservation-create"),
    path("reservations/<int:reservation_id>/", apis.ReservationDetailApi.as_view(), name="voicebot-reservation-detail"),
    path(
        "reservations/<int:reservation_id>/update/",
        apis.ReservationUpdateApi.as_view(),
        name="voicebot-reservation-update",
    ),
    path(
        "reservations/<int:reservation_id>/cancel/",
        apis.ReservationCancelApi.as_view(),
        name="voicebot-reservation-cancel",
    ),
    path(
        "reservations/<int:reservation_id>/reveal-number/",
        apis.ReservationRevealNumberApi.as_view(),
        name="voicebot-reservation-reveal-number",
    ),
    path("calls/", apis.CallListApi.as_view(), name="voicebot-call-list"),
    path("calls/<int:call_id>/reveal-number/", apis.CallRevealNumberApi.as_view(), name="voicebot-call-reveal-number"),
    path("calls/<int:call_id>/", apis.CallDetailApi.as_view(), name="voicebot-call-detail"),
    path("calls/<int:call_id>/recording", apis.CallRecordingApi.as_view(), name="voicebot-call-recording"),
]
