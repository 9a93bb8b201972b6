"""Benchmark of the free-text engine against a plain word BM25 baseline, in one run.

    python bench/answers.py [--data tests/data/questions.jsonl]

Prints top-1 accuracy by language/script and by kind, out-of-scope rejection, crisis
recall, and p50/p99 latency per query for both. Needs `pip install -e '.[bench]'`.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rank_bm25 import BM25Okapi  # noqa: E402

from bot.catalog.loader import Catalog, load_catalog  # noqa: E402
from bot.catalog.search import SearchIndex  # noqa: E402

Prediction = tuple[str | None, bool]  # (topic or None, crisis flagged)


def baseline(catalog: Catalog) -> Callable[[str], Prediction]:
    """BM25 over one document per topic: every string of both languages, words lower-cased."""
    ids = list(catalog.topics)
    docs = []
    for topic_id in ids:
        topic = catalog.topics[topic_id]
        parts = []
        for lang in (topic.kk, topic.ru):
            parts += [lang.title, lang.summary, lang.text, *lang.keywords]
            for item in lang.faq:
                parts += [*item.questions, item.answer]
        docs.append(_tokens(" ".join(parts)))
    bm25 = BM25Okapi(docs)

    def predict(text: str) -> Prediction:
        scores = bm25.get_scores(_tokens(text))
        best = max(range(len(ids)), key=lambda i: scores[i])
        topic = ids[best] if scores[best] > 0 else None
        return topic, topic == "psych-support"

    return predict


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def engine(catalog: Catalog) -> Callable[[str], Prediction]:
    index = SearchIndex(catalog)

    def predict(text: str) -> Prediction:
        result = index.search(text)
        return result.topic, result.crisis

    return predict


def evaluate(name: str, predict: Callable[[str], Prediction], rows: list[dict]) -> dict:
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    latencies = []
    for row in rows:
        start = time.perf_counter()
        topic, crisis = predict(row["text"])
        latencies.append((time.perf_counter() - start) * 1000)
        correct = topic == row["topic"]
        groups = [f"{row['lang']}/{row['script']}", f"kind:{row['kind']}", "overall"]
        if row["kind"] == "typo" or (row["lang"] == "kk" and row["script"] == "lat"):
            groups.append("kk-latin+typos")
        for group in groups:
            hits[group][0] += correct
            hits[group][1] += 1
        if row["kind"] == "oos":
            hits["oos rejected"][0] += topic is None
            hits["oos rejected"][1] += 1
        if row["crisis"]:
            hits["crisis flagged"][0] += crisis
            hits["crisis flagged"][1] += 1
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return {"name": name, "hits": hits, "p50": statistics.median(latencies), "p99": p99}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT / "tests" / "data" / "questions.jsonl")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    catalog = load_catalog(ROOT / "content")
    start = time.perf_counter()
    ours = engine(catalog)
    build_ms = (time.perf_counter() - start) * 1000
    results = [evaluate("engine", ours, rows), evaluate("bm25-words", baseline(catalog), rows)]
    groups = sorted({g for r in results for g in r["hits"]},
                    key=lambda g: (g == "overall", g.startswith("kind:"), g))
    print(f"{len(rows)} questions; index built in {build_ms:.0f} ms\n")
    print(f"{'group':22s}" + "".join(f"{r['name']:>18s}" for r in results))
    for group in groups:
        cells = []
        for r in results:
            ok, n = r["hits"].get(group, [0, 0])
            cells.append(f"{ok:>4d}/{n:<4d} {ok / n:6.1%}" if n else "-")
        print(f"{group:22s}" + "".join(f"{c:>18s}" for c in cells))
    print(f"{'latency p50 / p99 ms':22s}" + "".join(
        f"{r['p50']:>9.2f} / {r['p99']:<6.2f}" for r in results))
    ours_all = results[0]["hits"]["overall"]
    base_all = results[1]["hits"]["overall"]
    gap = (ours_all[0] / ours_all[1] - base_all[0] / base_all[1]) * 100
    print(f"\nengine minus baseline, overall top-1: {gap:+.1f} points")


if __name__ == "__main__":
    main()
