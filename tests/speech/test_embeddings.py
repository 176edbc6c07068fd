from __future__ import annotations

import numpy as np
import pytest

from sawt.speech import embeddings


def test_it_embeds_normalised_vectors() -> None:
    vectors = embeddings.embed(["play some jazz", "what's the weather tomorrow"])
    assert vectors.shape == (2, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert embeddings.embed([]).shape == (0, 384)
    with pytest.raises(TypeError):
        embeddings.embed("not a list")  # type: ignore[arg-type]


def test_it_ranks_paraphrases_above_unrelated_text() -> None:
    close = float(embeddings.similarity("book a table for two tonight", "reserve a restaurant for two this evening"))
    far = float(embeddings.similarity("book a table for two tonight", "the cat is sleeping on the sofa"))
    assert close > far + 0.2
    assert float(embeddings.similarity("hello", "hello")) == pytest.approx(1.0, abs=1e-4)
    matrix = embeddings.similarity(["a", "b", "c"], ["d", "e"])
    assert matrix.shape == (3, 2)


def test_it_finds_the_best_matching_intent() -> None:
    intents = ["play music", "set an alarm", "call a contact", "take a note"]
    index, value = embeddings.best_match("wake me up at six", intents)
    assert intents[index] == "set an alarm" and value > 0.2
    assert embeddings.best_match("anything", []) == (-1, 0.0)


def test_it_reports_the_loaded_model() -> None:
    embeddings.embed(["warm"])
    info = embeddings.embedding_info()
    assert info["loaded"] is True and info["dimension"] == 384
    assert info["name"] == "all-MiniLM-L6-v2"
