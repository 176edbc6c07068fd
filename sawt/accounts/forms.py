import zoneinfo
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from sawt.accounts.authentication import InvalidCredentials, login_attempt, password_check
from sawt.accounts.models import User

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class SignupForm(UserCreationForm[User]):
    email = forms.EmailField(required=False, help_text="Only for password resets.")
    time_zone = forms.ChoiceField(
        choices=TIME_ZONE_CHOICES, initial="UTC", help_text="Taken from your browser; change it if it is wrong."
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "time_zone")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:  # sent back with errors: keep the user's choice (static/js/timezone.js leaves it)
            self.fields["time_zone"].widget.attrs["data-user-chosen"] = "true"


class LoginAttemptMixin:
    """Django's login form checked by login_attempt(), so it counts failures like every other door.

    Over a limit it raises RateLimited out of is_valid(); the view answers 429 (views.refuse_when_rate_limited).
    """

    request: Any
    cleaned_data: dict[str, Any]
    user_cache: User | None

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = login_attempt(request=self.request, username=username, password=password)
            except InvalidCredentials:
                raise self.get_invalid_login_error() from None  # type: ignore[attr-defined]
            self.confirm_login_allowed(self.user_cache)  # type: ignore[attr-defined]
        return self.cleaned_data


class LoginForm(LoginAttemptMixin, AuthenticationForm):
    pass


class AdminLoginForm(LoginAttemptMixin, AdminAuthenticationForm):
    pass


class ProfileForm(forms.ModelForm[User]):
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES)
    current_password = forms.CharField(
        widget=forms.PasswordInput, required=False, strip=False, help_text="Needed only to change your e-mail."
    )

    class Meta:
        model = User
        fields = ("email", "time_zone", "meeting_emails")


class TokenCreateForm(forms.Form):
    name = forms.CharField(max_length=100, initial="My script")
    current_password = forms.CharField(
        label="Your password", widget=forms.PasswordInput, strip=False, help_text="A new token needs your password."
    )


class AccountDeleteForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, help_text="Type your password to confirm.")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form, with the old password checked by password_check(): wrong guesses count toward the
    lockout, and over a limit RateLimited leaves is_valid() (views.refuse_when_rate_limited)."""

    def __init__(self, user: User, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old_password: str = self.cleaned_data["old_password"]
        if not password_check(request=self.request, user=self.user, password=old_password):
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password
