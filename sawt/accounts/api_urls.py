from django.urls import path

from sawt.accounts import apis

urlpatterns = [
    path("token", apis.TokenObtainApi.as_view(), name="api-token-obtain"),
    path("ws-ticket", apis.WsTicketApi.as_view(), name="api-ws-ticket"),
    path("tokens/", apis.ApiTokenListCreateApi.as_view(), name="api-tokens"),
    path("tokens/<int:token_id>/", apis.ApiTokenDetailApi.as_view(), name="api-token-detail"),
    path("me/", apis.MeApi.as_view(), name="api-me"),
]
