"""Train the topic model of the free-text engine and write `bot/catalog/topic_weights.json.gz`.

    python bench/train_topics.py          # train on everything below, write the weights
    python bench/train_topics.py --cv     # leave-one-set-out: how well it does for a new author

The model (`bot/catalog/topic_model.py`) is a multinomial logistic regression over the crisis
model's features of folded words. It is trained on the catalogue's own wording (titles,
keywords, FAQ question variants; out-of-scope phrases as "_offtopic") and on the question dev
sets below (crisis rows left out: those are the crisis detector's), never on a held-out set
(`questions_holdout*.jsonl`). Training is deterministic, so the same data gives the same file;
`tests/unit/test_topic_model.py` fails when a question set changed and the model was not
trained again (the catalogue is not part of that check: it changes often, and a new topic is
found by the word engine until the next training, which `check-content` reminds of).

`--cv` trains once per dev set without it and answers that set with the whole engine (word
engine + that model), beside the word engine alone: the figure to expect from questions by an
author the model never read. Needs `pip install -e '.[bench]'` (scikit-learn).
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from train_crisis import catalogue_phrases, digest  # noqa: E402  (bench/ is on the path: it holds this script)

from bot.catalog.crisis import features  # noqa: E402
from bot.catalog.loader import Catalog, load_catalog  # noqa: E402
from bot.catalog.normalize import words  # noqa: E402
from bot.catalog.search import OFFTOPIC, SearchIndex  # noqa: E402
from bot.catalog.topic_model import WEIGHTS_FILE, TopicModel  # noqa: E402

DATA = ROOT / "tests" / "data"
TRAINING = (
    "questions.jsonl",
    "questions_v2.jsonl",
    "questions_dev3.jsonl",
    "questions_dev4.jsonl",
    "questions_dev5.jsonl",
    "questions_dev6.jsonl",
)
C = 10.0  # inverse regularisation (1, 3, 10, 30 tried; 10 best in --cv)
PRUNE = 0.2  # smaller weights are not shipped: a fifth of the file, 0.2 points in --cv
Sample = tuple[set[str], str]


def catalogue_samples(catalog: Catalog) -> list[Sample]:
    """The catalogue's wording: what each topic is called and asked with."""
    out = [(features(words(p)), topic_id) for topic_id, p in catalogue_phrases(catalog)]
    out += [(features(words(p)), OFFTOPIC) for p in catalog.offtopic]
    return out


def question_samples(name: str) -> list[tuple[Sample, dict[str, object]]]:
    """A question set's rows with their labels (crisis rows left out)."""
    rows = [json.loads(line) for line in (DATA / name).read_text("utf-8").splitlines() if line]
    return [
        ((features(words(str(r["text"]))), str(r["topic"] or OFFTOPIC)), r)
        for r in rows
        if not r["crisis"]
    ]


def train(samples: list[Sample]) -> TopicModel:
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    vocabulary: dict[str, int] = {}
    for feats, _ in samples:
        for f in sorted(feats):
            vocabulary.setdefault(f, len(vocabulary))
    indices: list[int] = []
    values: list[float] = []
    starts = [0]
    for feats, _ in samples:
        scale = 1 / math.sqrt(len(feats)) if feats else 0.0
        for f in sorted(feats):
            indices.append(vocabulary[f])
            values.append(scale)
        starts.append(len(indices))
    x = csr_matrix((values, indices, starts), shape=(len(samples), len(vocabulary)))
    model = LogisticRegression(C=C, max_iter=3000)
    model.fit(x, [label for _, label in samples])
    names = sorted(vocabulary, key=vocabulary.__getitem__)
    weights: dict[str, list[list[float]]] = {}
    coef = np.asarray(model.coef_)
    for column, feature in enumerate(names):
        pairs = [[c, round(float(w), 4)] for c, w in enumerate(coef[:, column]) if abs(w) >= PRUNE]
        if pairs:
            weights[feature] = pairs
    classes = [str(c) for c in model.classes_]
    bias = [round(float(b), 4) for b in model.intercept_]
    return TopicModel(classes, bias, weights)


def write(model: TopicModel, meta: dict[str, object]) -> None:
    weights = dict(sorted(model.pairs().items()))
    body = {"meta": meta, "classes": model.classes, "bias": model.bias, "weights": weights}
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    WEIGHTS_FILE.write_bytes(gzip.compress(raw, mtime=0))


def cross_validate(catalog: Catalog) -> None:
    """Leave one dev set out, train on the rest, answer it: top-1 and confidently wrong."""
    base = catalogue_samples(catalog)
    sets = {name: question_samples(name) for name in TRAINING}
    alone = SearchIndex(catalog, model=None)
    totals = [0, 0, 0, 0]
    print(f"{'left out':24s} {'questions':>9s} {'word engine':>20s} {'with the model':>20s}")
    for held in TRAINING:
        samples = base + [s for name in TRAINING if name != held for s, _ in sets[name]]
        index = SearchIndex(catalog, model=train(samples))
        cells = []
        for engine in (alone, index):
            right = wrong = 0
            for (_, label), row in sets[held]:
                result = engine.search(str(row["text"]))
                topic = result.topic or OFFTOPIC
                right += topic == label and not result.crisis
                wrong += result.confident and topic != label and not result.crisis
            cells.append((right, wrong))
        n = len(sets[held])
        totals = [totals[0] + cells[0][0], totals[1] + cells[1][0], totals[2] + n, totals[3]]
        print(f"{held:24s} {n:9d}" + "".join(f"{r / n:12.1%} / {w / n:4.1%}" for r, w in cells))
    print(f"{'all':24s} {totals[2]:9d} {totals[0] / totals[2]:12.1%}{totals[1] / totals[2]:20.1%}")
    print("(top-1 / confidently wrong; crisis rows are left out)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cv", action="store_true", help="leave-one-set-out figures only")
    args = parser.parse_args()
    catalog = load_catalog(ROOT / "content")
    if args.cv:
        cross_validate(catalog)
        return 0
    samples = catalogue_samples(catalog)
    samples += [s for name in TRAINING for s, _ in question_samples(name)]
    model = train(samples)
    meta = {"trained_on": list(TRAINING), "data_sha256": digest(TRAINING), "c": C, "prune": PRUNE}
    write(model, meta)
    kept = sum(len(p) for p in model.pairs().values())
    print(f"{len(samples)} samples, {len(model.classes)} classes, {kept} weights kept")
    print(f"wrote {WEIGHTS_FILE.relative_to(ROOT)} ({WEIGHTS_FILE.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
