from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from sawt.core import health, views

api_v1 = [
    path("auth/", include("sawt.accounts.api_urls")),
    path("chat/", include("sawt.chat.api_urls")),
    path("dictation/", include("dictation.urls")),
    path("meetings/", include("meetings.urls")),
    path("music/", include("music.urls")),
    path("voicebot/", include("voicebot.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("health", health.health, name="health"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("accounts/", include("sawt.accounts.urls")),
    path("chat/", include("sawt.chat.urls")),
    path("dictation/", include("dictation.page_urls")),
    path("meetings/", include("meetings.page_urls")),
    path("music/", include("music.page_urls")),
    path("voicebot/", include("voicebot.page_urls")),
    path("api/v1/", include(api_v1)),
    path("v1/", include("sawt.core.openai_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    re_path(r"^(api|v1)(/.*)?$", views.api_not_found, name="api-not-found"),
]

handler400 = "sawt.core.views.bad_request"
handler403 = "sawt.core.views.permission_denied"
handler404 = "sawt.core.views.page_not_found"
handler500 = "sawt.core.views.server_error"
