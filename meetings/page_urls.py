from django.urls import path

from meetings import views

app_name = "meetings_pages"
urlpatterns = [
    path("", views.index, name="index"),
    path("live/", views.live, name="live"),
    path("<int:meeting_id>/", views.detail, name="detail"),
]
