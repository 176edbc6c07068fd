from django.urls import path

from voicebot import views

app_name = "voicebot_pages"
urlpatterns = [
    path("", views.index, name="index"),
]
