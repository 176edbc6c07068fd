import zoneinfo

from django import forms
from django.contrib.auth.forms import UserCreationForm

from sawt.accounts.models import User

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class SignupForm(UserCreationForm[User]):
    email = forms.EmailField(required=False, help_text="Only for password resets.")
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, initial="UTC")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "time_zone")


class ProfileForm(forms.ModelForm[User]):
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES)

    class Meta:
        model = User
        fields = ("email", "time_zone", "meeting_emails")


class TokenCreateForm(forms.Form):
    name = forms.CharField(max_length=100, initial="My script")


class AccountDeleteForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, help_text="Type your password to confirm.")
