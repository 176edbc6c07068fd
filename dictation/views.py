"""Pages of the dictation trainer. They read through selectors, write through services, and validate
with the API's own input serializers, so a page and the API accept exactly the same things."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from dictation import review as review_schedule
from dictation import selectors, services, weak_words
from dictation.models import Item
from dictation.serializers import (
    ItemBulkCreateInput,
    ItemCreateInput,
    ItemListFilter,
    item_rows_validate,
)
from sawt.accounts.signed_in import request_user
from sawt.core.ownership import get_owned_or_404


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    filters = ItemListFilter(data={k: v for k, v in request.GET.items() if v != "" and k != "show"})
    valid = filters.is_valid()
    args = filters.selector_args() if valid else {"sort": "-created"}
    page = Paginator(selectors.item_list(owner=request_user(request), **args), 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "dictation/index.html", {
        "page": page, "filters": request.GET, "filter_errors": None if valid else filters.errors,
        "query": query.urlencode(), "tags": selectors.tag_list(owner=request_user(request)),
        "sorts": [("-created", "Newest"), ("created", "Oldest"), ("difficulty", "Easiest"),
                  ("-difficulty", "Hardest"), ("-practiced", "Recently practised"), ("text", "Text A-Z")],
        # Sentences not yet practised stay hidden unless asked for, so the list gives no answers away.
        "show_text": request.GET.get("show") == "1", "locales": services.locale_choices(),
        "api_base": reverse("dictation:items").removesuffix("items"),
    })


def _practice_page(request: HttpRequest, mode: str, item: Item | None = None,
                   queue: list[int] | None = None) -> HttpResponse:
    return render(request, "dictation/practice.html", {
        "mode": mode, "item": item, "queue": queue, "api_base": reverse("dictation:items").removesuffix("items"),
    })


@login_required
@require_GET
def practice(request: HttpRequest, item_id: int) -> HttpResponse:
    """One item; "Next" goes on with the review queue."""
    item = get_owned_or_404(Item.objects.prefetch_related("tags"), request.user, pk=item_id)
    return _practice_page(request, "item", item=item)


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    """The review queue: the page asks `review/next` for each item, most overdue first."""
    return _practice_page(request, "review")


@login_required
@require_GET
def weak(request: HttpRequest) -> HttpResponse:
    """A session of the items that contain the learner's most-missed words."""
    return _practice_page(request, "weak", queue=weak_words.weak_word_items(owner=request_user(request)))


def _single_row(post: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "text": post.get("text", ""), "locale": post.get("locale", ""),
        "tags": [t for t in post.get("tags", "").split(",") if t.strip()],
        "alternatives": [a for a in post.get("alternatives", "").splitlines() if a.strip()],
        "hint": post.get("hint", ""), "case_sensitive": bool(post.get("case_sensitive")),
        "keep_punctuation": bool(post.get("keep_punctuation")),
    }
    if post.get("difficulty"):
        row["difficulty"] = post["difficulty"]
    return row


@login_required
@require_http_methods(["GET", "POST"])
def editor(request: HttpRequest) -> HttpResponse:
    """A single item with all its options, or many pasted at once (one sentence a line). Each form keeps
    its own values."""
    context: dict[str, Any] = {"values": {}, "bulk_values": {}, "errors": {}, "bulk_errors": {}, "row_errors": [],
                               "locales": services.locale_choices()}
    if request.method == "POST" and request.POST.get("mode") == "bulk":
        context["bulk_values"] = request.POST
        return _bulk_paste(request, context)
    if request.method == "POST":
        context["values"] = request.POST
        single = ItemCreateInput(data=_single_row(request.POST))
        if not single.is_valid():
            context["errors"] = single.errors
            return render(request, "dictation/editor.html", context, status=400)
        item = services.item_create(owner=request_user(request), draft=single.draft())
        messages.success(request, "Item added; its audio is on its way.")
        return redirect("dictation_pages:practice", item_id=item.pk)
    return render(request, "dictation/editor.html", context)


def _bulk_paste(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    """Creates the good lines; each bad line (invalid, already an item, or pasted twice) is reported by its
    line number in the text area, blank lines counted."""
    numbered = [(n, line.strip()) for n, line in enumerate(request.POST.get("lines", "").splitlines(), 1)
                if line.strip()]
    body: dict[str, Any] = {"items": [line for _, line in numbered], "locale": request.POST.get("locale", ""),
                            "tags": [t for t in request.POST.get("tags", "").split(",") if t.strip()]}
    if request.POST.get("difficulty"):
        body["difficulty"] = request.POST["difficulty"]
    bulk = ItemBulkCreateInput(data=body)
    if not bulk.is_valid():
        context["bulk_errors"] = bulk.errors
        return render(request, "dictation/editor.html", context, status=400)
    owner = request_user(request)
    rows = selectors.item_rows_without_duplicates(
        owner=owner, rows=item_rows_validate(bulk.rows()), labels=[f"line {line}" for line, _ in numbered]
    )
    drafts = [row for row in rows if isinstance(row, services.ItemDraft)]
    row_errors = [(line, row) for (line, _), row in zip(numbered, rows, strict=True) if isinstance(row, dict)]
    if drafts:
        services.item_bulk_create(owner=owner, drafts=drafts)
    if not row_errors:
        messages.success(request, f"Added {len(drafts)} items; their audio is on its way.")
        return redirect("dictation_pages:index")
    context["row_errors"] = row_errors
    context["bulk_added"] = len(drafts)
    return render(request, "dictation/editor.html", context, status=200 if drafts else 400)


def _edit_values(item: Item) -> dict[str, Any]:
    return {
        "text": item.text, "locale": item.locale, "difficulty": item.difficulty, "hint": item.hint,
        "tags": ", ".join(t.name for t in item.tags.all()), "alternatives": "\n".join(item.alternatives),
        "case_sensitive": item.case_sensitive, "keep_punctuation": item.keep_punctuation,
    }


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, item_id: int) -> HttpResponse:
    """Every field of an item; a new text or locale makes new audio. "Make the audio again" renders it
    afresh."""
    item = get_owned_or_404(Item.objects.prefetch_related("tags"), request.user, pk=item_id)
    context: dict[str, Any] = {"item": item, "values": _edit_values(item), "errors": {},
                               "locales": services.locale_choices()}
    if request.method == "POST" and request.POST.get("action") == "regenerate":
        services.item_regenerate_audio(item=item)
        messages.success(request, "The audio is being made again.")
        return redirect("dictation_pages:edit", item_id=item.pk)
    if request.method == "POST":
        context["values"] = request.POST
        # A field the form did not send keeps its value (a checkbox only counts when the text was sent).
        post = request.POST.copy()
        for key, value in _edit_values(item).items():
            keeps = key not in ("case_sensitive", "keep_punctuation") or "text" not in post
            if key not in post and keeps and value is not False:
                post[key] = str(value)
        row = _single_row(post)
        row.setdefault("difficulty", None)
        data = ItemCreateInput(data=row)
        if not data.is_valid():
            context["errors"] = data.errors
            return render(request, "dictation/edit.html", context, status=400)
        new_audio = data.validated_data["text"] != item.text or data.validated_data["locale"] != item.locale
        services.item_update(item=item, changes=dict(data.validated_data))
        messages.success(request, "Item saved; its new audio is on its way." if new_audio else "Item saved.")
        return redirect("dictation_pages:index")
    return render(request, "dictation/edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, item_id: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    item = get_owned_or_404(Item.objects.all(), request.user, pk=item_id)
    if request.method == "GET":
        return render(request, "dictation/delete.html", {"item": item})
    services.item_delete(item=item)
    messages.success(request, "Item deleted.")
    return redirect("dictation_pages:index")


@login_required
@require_GET
def stats(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    return render(request, "dictation/stats.html", {
        "summary": selectors.stats_summary(owner=user),
        "log": selectors.stats_practice_log(owner=user)[:20],
        "items": Item.objects.filter(owner=user, attempts_count__gt=0).order_by("text").only("id", "text"),
        "progress_url": reverse("dictation:stats-progress"),
        "review": review_schedule.review_stats(owner=user, now=timezone.now()),
        "weak": weak_words.weak_words(owner=user, limit=10),
    })
