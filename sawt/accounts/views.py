from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from sawt.accounts import services
from sawt.accounts.authentication import PasswordRequired, password_check, password_confirm, password_reset_check
from sawt.accounts.forms import (
    AccountDeleteForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    SignupForm,
    TokenCreateForm,
)
from sawt.accounts.models import ApiToken, User
from sawt.accounts.signed_in import request_user
from sawt.core import ratelimit
from sawt.core.errors import RateLimited
from sawt.core.ownership import get_owned_or_404


def too_many_attempts(request: HttpRequest, retry_after: int) -> HttpResponse:
    response = render(request, "errors/429.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def refuse_when_rate_limited(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A page view whose checks may raise RateLimited: answers it with the 429 page and Retry-After."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except RateLimited as exc:
            return too_many_attempts(request, exc.retry_after)

    return wrapped


@method_decorator(refuse_when_rate_limited, name="dispatch")
class LoginView(auth_views.LoginView):
    """Django's login page; attempts go through login_attempt() (limits per address and per username)."""

    authentication_form = LoginForm


def _confirm_on_form(request: HttpRequest, user: User, form: Any, purpose: str) -> None:
    """password_confirm() for a page: a missing or wrong password becomes the field's error."""
    password = form.cleaned_data.get("current_password")
    try:
        password_confirm(request=request, user=user, password=password)
    except PasswordRequired:
        message = "That is not your password." if password else f"Type your password {purpose}."
        form.add_error("current_password", message)


def signup(request: HttpRequest) -> HttpResponseBase:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        retry_after = ratelimit.hit("auth", ratelimit.identity(request))
        if retry_after is not None:
            return too_many_attempts(request, retry_after)
        if form.is_valid():
            user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to Sawt, {user.username}.")
            return redirect("home")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
@refuse_when_rate_limited
def profile(request: HttpRequest) -> HttpResponseBase:
    user = request_user(request)
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        # A new e-mail receives the password resets: a signed-in session alone cannot change it.
        if "email" in form.changed_data:
            _confirm_on_form(request, user, form, "to change your e-mail")
        if not form.errors:
            form.save()
            messages.success(request, "Your settings are saved.")
            return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@refuse_when_rate_limited
def tokens(request: HttpRequest) -> HttpResponseBase:
    user = request_user(request)
    form = TokenCreateForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _confirm_on_form(request, user, form, "to create a token")
        if not form.errors:
            _, new_key = services.api_token_create(user=user, name=form.cleaned_data["name"])
            form = TokenCreateForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": ApiToken.objects.filter(owner=user), "new_key": new_key},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponseBase:
    token = get_owned_or_404(ApiToken.objects.all(), request.user, pk=token_id)
    services.api_token_revoke(token=token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("tokens")


@login_required
@refuse_when_rate_limited
def delete_account(request: HttpRequest) -> HttpResponseBase:
    user = request_user(request)
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if password_check(request=request, user=user, password=form.cleaned_data["password"]):
            services.account_delete(user=user)
            messages.success(request, "Your account and everything in it are deleted.")
            return redirect("home")
        form.add_error("password", "That is not your password.")
    return render(request, "accounts/delete.html", {"form": form})


@method_decorator(refuse_when_rate_limited, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; wrong old passwords count like failed sign-ins (password_check)."""

    form_class = PasswordChangeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}


@method_decorator(refuse_when_rate_limited, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, limited per address and per e-mail typed (known or not, alike)."""

    def form_valid(self, form: Any) -> HttpResponse:
        password_reset_check(request=self.request, email=form.cleaned_data["email"])
        return super().form_valid(form)
