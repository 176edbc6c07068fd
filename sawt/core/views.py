from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt

from sawt.core import home as home_panels
from sawt.core.errors import error_body
from sawt.core.middleware import is_api_path


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"panels": home_panels.panels(user=request.user)})


@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico whatever the page says: the site's icon."""
    return HttpResponseRedirect(static("favicon.svg"))


@csrf_exempt  # answers 404 whatever the method; nothing to protect
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    return JsonResponse(error_body("not_found", f"No API endpoint at {request.path}."), status=404)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_path(request.path):
        return api_not_found(request)
    return render(request, "errors/404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_path(request.path):
        return JsonResponse(error_body("permission_denied", "You may not do that."), status=403)
    return render(request, "errors/403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    request_id = getattr(request, "request_id", "-")
    if is_api_path(request.path):
        body = error_body("server_error", "An unexpected error occurred.", {"request_id": request_id})
        return JsonResponse(body, status=500)
    return render(request, "errors/500.html", {"request_id": request_id}, status=500)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_path(request.path):
        return JsonResponse(error_body("bad_request", "The request could not be understood."), status=400)
    return render(request, "errors/400.html", status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if is_api_path(request.path):
        body = error_body("csrf_failed", "CSRF check failed: send the X-CSRFToken header, or use a token.")
        return JsonResponse(body, status=403)
    context = {"reason": "The form expired. Go back, reload and try again."}
    return render(request, "errors/403.html", context, status=403)
