"""Train the crisis detector's model and write `bot/catalog/crisis_weights.py`.

    python bench/train_crisis.py

The model is a logistic regression over letter runs of folded words (`crisis.features`),
trained on the crisis dev sets, the crisis labels of the two question dev sets and the
catalogue's own questions (all harmless but those of psychological help), never on a held-out
set (`tests/data/crisis_holdout.jsonl`, `questions_holdout*.jsonl`). A second model of the
same kind, one weight list per category, names the kind of danger. Training is seeded, so the
same data gives the same file; `tests/unit/test_crisis.py` fails when a training file changed
and the model was not retrained (the catalogue is not part of that check: it changes often and
moves the model little).
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.catalog.crisis import features, tokens_of  # noqa: E402
from bot.catalog.loader import Catalog  # noqa: E402
from bot.catalog.search import CRISIS_TOPIC  # noqa: E402

DATA = ROOT / "tests" / "data"
# The crisis dev sets, oldest first (the held-out set is never among them).
CRISIS_DEV = (
    "crisis_dev.jsonl",
    "crisis_dev2.jsonl",
    "crisis_dev3.jsonl",
    "crisis_dev4.jsonl",
    "crisis_dev5.jsonl",
    "crisis_dev6.jsonl",
    "crisis_dev7.jsonl",
    "crisis_dev8.jsonl",
    "crisis_dev9.jsonl",
    "crisis_dev10.jsonl",
    "crisis_dev11.jsonl",
    "crisis_dev12.jsonl",
    "crisis_dev13.jsonl",
    "crisis_dev14.jsonl",
    "crisis_dev15.jsonl",
    "crisis_dev16.jsonl",
    "crisis_dev17.jsonl",
)
TRAINING = (
    *CRISIS_DEV,
    "questions.jsonl",
    "questions_v2.jsonl",
)
OUT = ROOT / "bot" / "catalog" / "crisis_weights.py"
EPOCHS, RATE, DECAY = 15, 0.2, 1e-4
KEEP = 0.1  # smaller weights are dropped from the shipped file (they rarely move a decision)
KEEP_KIND = 0.25  # the same for the category weights (eight lists: kept smaller)
CATEGORIES = (
    "suicidal",
    "passive",
    "plan_means",
    "self_harm",
    "third_person",
    "abuse",
    "addiction",
    "minor_danger",
)


def digest(names: tuple[str, ...]) -> str:
    h = hashlib.sha256()
    for name in names:
        h.update((DATA / name).read_bytes())
    return h.hexdigest()


def catalogue_questions() -> list[dict[str, object]]:
    """The catalogue's FAQ variants, keywords and titles, but those of psychological help:
    the way people ask about programmes, none of it a crisis."""
    from bot.catalog.store import ContentStore

    catalog = ContentStore(ROOT / "content").catalog
    return [
        {"text": phrase, "crisis": False}
        for topic_id, phrase in catalogue_phrases(catalog)
        if topic_id != CRISIS_TOPIC
    ]


def catalogue_phrases(catalog: Catalog) -> Iterator[tuple[str, str]]:
    """(topic id, phrase) for what each topic is called and asked with, in both languages:
    its title, keywords and FAQ question variants."""
    for topic in catalog.topics.values():
        for lang in ("kk", "ru"):
            text = topic.text(lang)  # type: ignore[arg-type]
            for phrase in (text.title, *text.keywords):
                yield topic.id, phrase
            for item in text.faq:
                for question in item.questions:
                    yield topic.id, question


def load() -> list[dict[str, object]]:
    rows = catalogue_questions()
    for name in TRAINING:
        rows += [
            json.loads(line)
            for line in (DATA / name).read_text("utf-8").splitlines()
            if line.strip()
        ]
    return rows


def sgd(
    samples: list[tuple[set[str], float]], seed: int, keep: float = KEEP
) -> tuple[dict[str, float], float]:
    weights: dict[str, float] = {}
    bias = 0.0
    rng = random.Random(seed)
    order = list(samples)
    for _ in range(EPOCHS):
        rng.shuffle(order)
        for feats, target in order:
            z = bias + sum(weights.get(f, 0.0) for f in feats)
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
            grad = p - target
            for f in feats:
                weights[f] = weights.get(f, 0.0) * (1 - RATE * DECAY) - RATE * grad
            bias -= RATE * grad
    return {f: round(w, 3) for f, w in sorted(weights.items()) if abs(w) >= keep}, round(bias, 3)


def main() -> int:
    rows = load()
    samples = [(features(tokens_of(str(r["text"]))), 1.0 if r["crisis"] else 0.0) for r in rows]
    weights, bias = sgd(samples, seed=1)
    positive = [
        (features(tokens_of(str(r["text"]))), str(r["category"]))
        for r in rows
        if r["crisis"] and r.get("category") in CATEGORIES
    ]
    kinds = {}
    for number, category in enumerate(CATEGORIES):
        kinds[category] = sgd(
            [(f, 1.0 if c == category else 0.0) for f, c in positive],
            seed=10 + number,
            keep=KEEP_KIND,
        )
    lines = [
        '"""Weights of the crisis model, written by bench/train_crisis.py: do not edit by hand."""',
        "",
        "# ruff: noqa: E501",
        f"TRAINED_ON = {TRAINING!r}",
        f'DATA_SHA256 = "{digest(TRAINING)}"',
        f"BIAS = {bias!r}",
        f"WEIGHTS: dict[str, float] = {json.dumps(weights, ensure_ascii=False)}",
        "KINDS: dict[str, tuple[dict[str, float], float]] = {",
    ]
    for category, (w, b) in kinds.items():
        lines.append(f'    "{category}": ({json.dumps(w, ensure_ascii=False)}, {b!r}),')
    lines.append("}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(
        f"{len(rows)} messages, {len(weights)} weights kept;"
        f" categories: {', '.join(f'{c} {len(w)}' for c, (w, _) in kinds.items())}"
    )
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
