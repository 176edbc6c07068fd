"""Sentence embeddings (all-MiniLM-L6-v2 from its wheel), for intent matching and search.

The model is loaded once per process on first use.  ``SentenceTransformer.encode``
is safe to call from several threads; only the load is guarded.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from sawt.speech.config import get_config
from sawt.speech.models import embedding_model_path

_lock = threading.Lock()
_model: Any = None
_model_key: str | None = None
_info: dict[str, Any] = {}


def _load() -> Any:
    global _model, _model_key, _info
    path = embedding_model_path(get_config().embedding_model)
    if _model is not None and _model_key == path:
        return _model
    with _lock:
        if _model is not None and _model_key == path:
            return _model
        # Must be set before transformers/huggingface_hub are imported: nothing may
        # reach the network, even for a "check for updates".
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        started = time.perf_counter()
        model = SentenceTransformer(path, device="cpu", local_files_only=True)
        _info = {
            "name": os.path.basename(path.rstrip("/")) if path != embedding_model_path("") else "all-MiniLM-L6-v2",
            "path": path,
            "dimension": _dimension(model),
            "load_seconds": round(time.perf_counter() - started, 3),
        }
        _model, _model_key = model, path
        return model


def _dimension(model: Any) -> int:
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(getter() or 0)


def embed(texts: Sequence[str], *, batch_size: int = 32) -> npt.NDArray[np.float32]:
    """L2-normalised embeddings, shape ``(len(texts), dim)``; dot product = cosine."""
    if isinstance(texts, str):
        raise TypeError("embed() takes a list of strings; wrap a single text in a list.")
    model = _load()
    if not texts:
        return np.zeros((0, int(_info.get("dimension", 0))), dtype=np.float32)
    vectors = model.encode(
        list(texts), batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
    )
    return np.asarray(vectors, dtype=np.float32)


def similarity(a: str | Sequence[str], b: str | Sequence[str]) -> npt.NDArray[np.float32]:
    """Cosine similarities: a float for two strings, else a ``len(a) x len(b)`` matrix."""
    left = embed([a] if isinstance(a, str) else a)
    right = embed([b] if isinstance(b, str) else b)
    matrix = left @ right.T
    if isinstance(a, str) and isinstance(b, str):
        return np.float32(matrix[0, 0])  # type: ignore[return-value]
    return matrix


def best_match(query: str, candidates: Sequence[str]) -> tuple[int, float]:
    """Index and cosine similarity of the candidate closest to ``query`` (-1 if none)."""
    if not candidates:
        return -1, 0.0
    scores = similarity([query], candidates)[0]
    index = int(np.argmax(scores))
    return index, float(scores[index])


def embedding_info() -> dict[str, Any]:
    if _model is None:
        return {"name": get_config().embedding_model, "loaded": False}
    return {**_info, "loaded": True}
