from django.urls import path

from meetings import views

app_name = "meetings_pages"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:meeting_id>/", views.detail, name="detail"),
]
