"""One way to fetch an object for a user: someone else's object is simply not found (404).

Models whose objects are shared (meetings with participants) give their QuerySet a
`visible_to(user)` method; everything else has an `owner` foreign key.
"""

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)


def visible_to(queryset: QuerySet[M], user: Any) -> QuerySet[M]:
    if user is None or not user.is_authenticated:
        return queryset.none()
    method = getattr(queryset, "visible_to", None)
    if method is not None:
        return method(user)
    return queryset.filter(owner=user)


def get_owned_or_404(queryset: QuerySet[M], user: Any, **lookup: Any) -> M:
    try:
        return visible_to(queryset, user).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404(f"No {queryset.model._meta.verbose_name} matches the given query.") from exc
