from django.urls import path

from dictation import views

app_name = "dictation_pages"
urlpatterns = [
    path("", views.index, name="index"),
    path("new", views.editor, name="editor"),
    path("stats", views.stats, name="stats"),
    path("review", views.review, name="review"),
    path("review/weak-words", views.weak, name="weak"),
    path("items/<int:item_id>/practice", views.practice, name="practice"),
    path("items/<int:item_id>/edit", views.edit, name="edit"),
    path("items/<int:item_id>/delete", views.delete, name="delete"),
]
