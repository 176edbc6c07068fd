from collections.abc import Callable
from functools import partial

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from sawt.accounts.models import ApiToken, User, hash_token_key
from sawt.core.wsauth import sockets_revoke

# Apps register cleanups for what the database cascade cannot remove (files on disk, remote tokens) or
# must not remove blindly (a business the user owns with others). They run inside the deletion's
# transaction, so their rows go or stay with the account; files are best deleted on commit.
_account_cleanups: list[Callable[[User], None]] = []


def on_account_delete(cleanup: Callable[[User], None]) -> Callable[[User], None]:
    _account_cleanups.append(cleanup)
    return cleanup


def user_create(*, username: str, password: str, email: str = "", time_zone: str = "UTC") -> User:
    user = User(username=username, email=email, time_zone=time_zone)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Creates a token and answers it with its key, which is never stored and never shown again."""
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        owner=user, name=name or "API token", key_hash=hash_token_key(key),
        key_hint=key[:9],
    )
    return token, key


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_tokens_revoke_all(*, user: User) -> int:
    """Revokes every active token of the user (after a password change or reset): answers how many."""
    return ApiToken.objects.active().filter(owner=user).update(revoked_at=timezone.now())


def account_delete(*, user: User) -> None:
    """Deletes the user and every object they own in every app (database cascade plus app cleanups)."""
    with transaction.atomic():
        for cleanup in _account_cleanups:
            cleanup(user)
        transaction.on_commit(partial(sockets_revoke, user_id=user.pk))
        user.delete()


def user_deactivate(*, user: User) -> None:
    """The user can no longer sign in, and every socket they have open closes (4401)."""
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    transaction.on_commit(partial(sockets_revoke, user_id=user.pk))
