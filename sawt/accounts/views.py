from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sawt.accounts import services
from sawt.accounts.forms import AccountDeleteForm, ProfileForm, SignupForm, TokenCreateForm
from sawt.accounts.models import ApiToken, User
from sawt.core import ratelimit
from sawt.core.ownership import get_owned_or_404


def too_many_attempts(request: HttpRequest, retry_after: int) -> HttpResponse:
    response = render(request, "errors/429.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class LoginView(auth_views.LoginView):
    """Django's login page; failed attempts count toward the `auth` rate limit."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        retry_after = ratelimit.peek("auth", ratelimit.identity(request))
        if retry_after is not None:
            return too_many_attempts(request, retry_after)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        retry_after = ratelimit.hit("auth", ratelimit.identity(self.request))
        if retry_after is not None:
            return too_many_attempts(self.request, retry_after)
        return super().form_invalid(form)


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
def profile(request: HttpRequest) -> HttpResponseBase:
    assert isinstance(request.user, User)
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your settings are saved.")
        return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def tokens(request: HttpRequest) -> HttpResponseBase:
    assert isinstance(request.user, User)
    form = TokenCreateForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _, new_key = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
        form = TokenCreateForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": ApiToken.objects.filter(owner=request.user), "new_key": new_key},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponseBase:
    token = get_owned_or_404(ApiToken.objects.all(), request.user, pk=token_id)
    services.api_token_revoke(token=token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("tokens")


@login_required
def delete_account(request: HttpRequest) -> HttpResponseBase:
    assert isinstance(request.user, User)
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.user.check_password(form.cleaned_data["password"]):
            services.account_delete(user=request.user)
            messages.success(request, "Your account and everything in it are deleted.")
            return redirect("home")
        form.add_error("password", "That is not your password.")
    return render(request, "accounts/delete.html", {"form": form})
