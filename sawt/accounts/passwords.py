"""Every password change revokes the user's API tokens, wherever it comes from: the password and
reset pages, the admin, `manage.py changepassword`, or code that calls set_password() and save().

Django calls `password_changed` on each AUTH_PASSWORD_VALIDATORS entry once a new password is saved
(AbstractBaseUser.save after set_password): the one hook that every one of those paths goes through."""

from typing import Any

from sawt.accounts.services import api_tokens_revoke_all


class ApiTokensRevokedOnPasswordChange:
    """Not a rule on the password: the consequence of changing it, shown with the password rules."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def get_help_text(self) -> str:
        return "Changing your password revokes your API tokens."

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is not None and user.pk is not None:
            api_tokens_revoke_all(user=user)
