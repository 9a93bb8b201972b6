"""The learned half of the free-text engine: which topic a question is about, as probabilities.

The word engine (`search.py`) matches a question against the catalogue's own wording. This
model was trained on that wording and on some 1,700 questions written the way young people ask
(the question dev sets of tests/data, each by another author), and learned which letter runs
and word pairs speak for which topic, or for none ("_offtopic"). The search
adds its probabilities to the word engine's scores. It is a multinomial logistic regression
over the crisis model's features (`crisis.features`: letter runs of 3–5 inside each folded
word, each word whole, pairs of word starts), trained by bench/train_topics.py, which writes
`topic_weights.json.gz` next to this file.

A catalogue the model was not trained for (other topic ids, as in tests) is answered by the
word engine alone; a topic added later is found by the word engine until the model is trained
again (`check-content` says so).
"""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import numpy as np

from bot.catalog.crisis import features

WEIGHTS_FILE = Path(__file__).with_name("topic_weights.json.gz")
# The share of a catalogue's topics the model must know to be used for it.
COVERS = 0.9


class TopicModel:
    """Weights per feature and class; `probabilities` of a folded question."""

    def __init__(
        self,
        classes: list[str],
        bias: list[float],
        weights: dict[str, list[list[float]]],
        meta: dict[str, object] | None = None,
    ) -> None:
        self.classes = classes
        self.bias = bias
        # `weights`: per feature, (class number, weight) pairs (most speak for one or two).
        # Kept as a matrix, a row per feature: a question sums its features' rows.
        self._rows = {f: row for row, f in enumerate(weights)}
        self._matrix = np.zeros((len(self._rows), len(classes)), dtype=np.float32)
        for f, pairs in weights.items():
            for c, w in pairs:
                self._matrix[self._rows[f], int(c)] = w
        self._bias = np.array(bias, dtype=float)
        self.meta = meta or {}

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> TopicModel | None:
        """The trained model, or None when there is none (the word engine works alone)."""
        if not path.exists():
            return None
        data = json.loads(gzip.decompress(path.read_bytes()))
        return cls(data["classes"], data["bias"], data["weights"], data.get("meta"))

    def pairs(self) -> dict[str, list[list[float]]]:
        """The weights as given: per feature, [class number, weight] pairs."""
        out: dict[str, list[list[float]]] = {}
        for f, row in self._rows.items():
            out[f] = [[c, round(w, 4)] for c, w in enumerate(self._matrix[row].tolist()) if w]
        return out

    def covers(self, topic_ids: set[str]) -> bool:
        """Was the model trained for (nearly) this catalogue?"""
        if not topic_ids:
            return False
        return len(topic_ids & set(self.classes)) >= COVERS * len(topic_ids)

    def probabilities(self, tokens: list[str]) -> dict[str, float]:
        """Each class's probability for a question's folded words (`normalize.words`)."""
        feats = features(tokens)
        if not feats:
            return {}
        # Each question has the same total weight, as in training: 1 / sqrt(its features).
        rows = self._rows
        known = [rows[f] for f in feats if f in rows]
        z = self._bias + self._matrix[known].sum(axis=0) / math.sqrt(len(feats))
        exps = np.exp(z - z.max())
        shares = exps / exps.sum()
        return dict(zip(self.classes, shares.tolist(), strict=True))


_MODEL: TopicModel | None = None
_LOADED = False


def shared_model() -> TopicModel | None:
    """One model per process: it is code's data, not content, so a reload keeps it."""
    global _MODEL, _LOADED
    if not _LOADED:
        _MODEL = TopicModel.load()
        _LOADED = True
    return _MODEL
