from django.urls import path

from voicebot import setup_views, views, webhooks

app_name = "voicebot_pages"
urlpatterns = [
    path("", views.index, name="index"),
    path("businesses/new/", setup_views.business_new, name="business_new"),
    path("businesses/<int:business_id>/", views.business_detail, name="business"),
    path("businesses/<int:business_id>/edit/", setup_views.business_edit, name="business_edit"),
    path("businesses/<int:business_id>/invite/", setup_views.business_invite, name="business_invite"),
    path("businesses/<int:business_id>/bookings/new/", setup_views.reservation_new, name="reservation_new"),
    path("reservations/<int:reservation_id>/edit/", setup_views.reservation_edit, name="reservation_edit"),
    path(
        "reservations/<int:reservation_id>/cancel/confirm/",
        setup_views.reservation_confirm, {"action": "cancel"}, name="reservation_cancel_confirm",
    ),
    path(
        "reservations/<int:reservation_id>/no-show/confirm/",
        setup_views.reservation_confirm, {"action": "no-show"}, name="reservation_no_show_confirm",
    ),
    path("businesses/<int:business_id>/consents/", views.consents, name="consents"),
    path("businesses/<int:business_id>/test-call/", views.test_call, name="test_call"),
    path("calls/<int:call_id>/", views.call_detail, name="call"),
    path("reservations/<int:reservation_id>/no-show/", views.reservation_no_show, name="reservation_no_show"),
    path("reservations/<int:reservation_id>/cancel/", views.reservation_cancel, name="reservation_cancel"),
    # Provider webhooks: signed by Plivo/Twilio, no session.
    path("plivo/answer/", webhooks.plivo_answer, name="plivo_answer"),
    path("plivo/after/", webhooks.plivo_after, name="plivo_after"),
    path("plivo/hangup/", webhooks.plivo_hangup, name="plivo_hangup"),
    path("plivo/status/", webhooks.plivo_status, name="plivo_status"),
    path("plivo/voicemail/", webhooks.plivo_voicemail, name="plivo_voicemail"),
    path("plivo/message/", webhooks.plivo_message, name="plivo_message"),
    path("twilio/answer/", webhooks.twilio_answer, name="twilio_answer"),
    path("twilio/after/", webhooks.twilio_after, name="twilio_after"),
    path("twilio/status/", webhooks.twilio_status, name="twilio_status"),
    path("twilio/voicemail/", webhooks.twilio_voicemail, name="twilio_voicemail"),
    path("twilio/message/", webhooks.twilio_message, name="twilio_message"),
]
