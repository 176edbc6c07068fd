from django.urls import path

from music import views

app_name = "music_pages"
urlpatterns = [
    path("", views.index, name="index"),
    path("setup/", views.setup_steps_page, name="setup-steps"),
]
