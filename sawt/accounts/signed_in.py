"""The signed-in user of a request, typed: one function for every API view and page."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request

from sawt.accounts.models import User


def request_user(request: HttpRequest | Request) -> User:
    """The `User` of a request that authentication has already let through (DRF's `IsAuthenticated`,
    `login_required`). An anonymous request reaching here is a wiring mistake: it is refused (403),
    never served as somebody."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in first.")
    return user
