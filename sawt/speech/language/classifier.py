"""Text classification by example: each label's example phrases embedded once, a text takes the label of
the example nearest in meaning (cosine similarity of sentence embeddings), if it is near enough.

For phrasings that rules do not know ("give me a break from the music", "we can't make it anymore").
The model is the engine's sentence embedder (:mod:`sawt.speech.embeddings`), loaded on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class Classification:
    label: str
    score: float  # cosine similarity to the nearest example, -1 to 1
    example: str  # that example


class ExampleClassifier:
    """Nearest example by meaning: ``classify(text)`` gives its label if the similarity reaches ``threshold``.

    ``prepare`` rewrites each text before it is embedded (the examples are taken as written).
    """

    def __init__(
        self,
        examples: Mapping[str, Sequence[str]],
        *,
        threshold: float,
        prepare: Callable[[str], str] | None = None,
    ) -> None:
        self.labels = [label for label, phrases in examples.items() for _ in phrases]
        self.examples = [phrase for phrases in examples.values() for phrase in phrases]
        if not self.examples:
            raise ValueError("an example classifier needs at least one example")
        self.threshold = threshold
        self.prepare = prepare
        self._matrix: npt.NDArray[np.float32] | None = None
        self._lock = threading.Lock()

    def _examples_matrix(self) -> npt.NDArray[np.float32]:
        if self._matrix is None:
            with self._lock:
                if self._matrix is None:
                    from sawt.speech import embeddings

                    self._matrix = embeddings.embed(self.examples)
        return self._matrix

    def nearest(self, text: str) -> Classification:
        """The nearest example and its label, however far it is."""
        from sawt.speech import embeddings

        query = self.prepare(text) if self.prepare else text
        scores = (embeddings.embed([query]) @ self._examples_matrix().T)[0]
        best = int(scores.argmax())
        return Classification(self.labels[best], float(scores[best]), self.examples[best])

    def classify(self, text: str, *, threshold: float | None = None) -> Classification | None:
        """The nearest example's label if its similarity reaches the threshold, else ``None``."""
        found = self.nearest(text)
        return found if found.score >= (self.threshold if threshold is None else threshold) else None

    def label(self, text: str, *, threshold: float | None = None) -> str | None:
        found = self.classify(text, threshold=threshold)
        return found.label if found else None
