from django.urls import path

from dictation import views

app_name = "dictation_pages"
urlpatterns = [
    path("", views.index, name="index"),
]
