from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sawt.chat import selectors


@login_required
def index(request: HttpRequest) -> HttpResponse:
    sessions = selectors.chat_session_list(user=request.user).prefetch_related("messages")[:20]
    return render(request, "chat/index.html", {"sessions": sessions})
