from django.urls import path

from sawt.chat import views

app_name = "chat_pages"
urlpatterns = [
    path("", views.index, name="index"),
]
