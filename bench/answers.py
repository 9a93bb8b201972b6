"""Benchmark of the free-text engine against a plain word BM25 baseline, in one run.

    python bench/answers.py [--data FILE ...] [--misses] [--repeat N]

For each data file (default: tests/data/questions.jsonl, the dev set used for tuning, and
the holdout sets tests/data/questions_holdout*.jsonl, kept aside to check that tuning
generalises) prints top-1 accuracy by language/script and by kind, out-of-scope rejection,
crisis recall, crisis false positives (non-crisis questions flagged as crisis), and p50/p99
latency per query for both, as wall-clock time and as CPU time of the process (the latter
does not count time the process waited for a busy machine). `--repeat N` times the engine
N times and reports the median figures. `--misses` lists the engine's wrong answers.
Needs `pip install -e '.[bench]'`.
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
    latencies, cpu_times = [], []
    misses: list[tuple[dict, str | None, bool]] = []
    for row in rows:
        start, cpu = time.perf_counter(), time.process_time()
        topic, crisis = predict(row["text"])
        latencies.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - cpu) * 1000)
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
        else:  # lower is better
            hits["crisis false pos."][0] += crisis
            hits["crisis false pos."][1] += 1
        if not correct or crisis != row["crisis"]:
            misses.append((row, topic, crisis))
    return {"name": name, "hits": hits, **_percentiles("", latencies),
            **_percentiles("cpu_", cpu_times), "misses": misses}


def _percentiles(prefix: str, values: list[float]) -> dict[str, float]:
    values = sorted(values)
    p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
    return {prefix + "p50": statistics.median(values), prefix + "p99": p99}


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def report(path: Path, rows: list[dict], results: list[dict]) -> None:
    groups = sorted({g for r in results for g in r["hits"]},
                    key=lambda g: (g == "overall", g.startswith("kind:"), g))
    print(f"== {path.name}: {len(rows)} questions\n")
    print(f"{'group':22s}" + "".join(f"{r['name']:>18s}" for r in results))
    for group in groups:
        cells = []
        for r in results:
            ok, n = r["hits"].get(group, [0, 0])
            cells.append(f"{ok:>4d}/{n:<4d} {ok / n:6.1%}" if n else "-")
        print(f"{group:22s}" + "".join(f"{c:>18s}" for c in cells))
    print(f"{'latency p50 / p99 ms':22s}" + "".join(
        f"{r['p50']:>9.2f} / {r['p99']:<6.2f}" for r in results))
    print(f"{'  cpu time p50 / p99':22s}" + "".join(
        f"{r['cpu_p50']:>9.2f} / {r['cpu_p99']:<6.2f}" for r in results))
    ours_all = results[0]["hits"]["overall"]
    base_all = results[1]["hits"]["overall"]
    gap = (ours_all[0] / ours_all[1] - base_all[0] / base_all[1]) * 100
    print(f"\nengine minus baseline, overall top-1: {gap:+.1f} points\n")


def main() -> None:
    default = [ROOT / "tests" / "data" / name for name in
               ("questions.jsonl", "questions_holdout.jsonl", "questions_holdout2.jsonl",
                "questions_holdout3.jsonl")]
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, nargs="+",
                        default=[p for p in default if p.exists()])
    parser.add_argument("--repeat", type=int, default=1,
                        help="time the engine this many times (a new index each time, so no "
                             "run profits from words cached by another); report the median")
    parser.add_argument("--misses", action="store_true", help="list the engine's mistakes")
    args = parser.parse_args()
    catalog = load_catalog(ROOT / "content")
    start = time.perf_counter()
    ours = engine(catalog)
    build_ms = (time.perf_counter() - start) * 1000
    bm25 = baseline(catalog)
    print(f"index built in {build_ms:.0f} ms\n")
    for path in args.data:
        rows = _read(path)
        runs = [evaluate("engine", ours if i == 0 else engine(catalog), rows)
                for i in range(max(1, args.repeat))]
        mine = runs[0]
        for key in ("p50", "p99", "cpu_p50", "cpu_p99"):
            mine[key] = statistics.median(r[key] for r in runs)
        report(path, rows, [mine, evaluate("bm25-words", bm25, rows)])
        if args.misses:
            for row, topic, crisis in mine["misses"]:
                flag = " CRISIS" if crisis else ""
                print(f"  [{row['lang']}/{row['script']}/{row['kind']}] {row['text']!r}: "
                      f"expected {row['topic']}, got {topic}{flag}")
            print()


if __name__ == "__main__":
    main()
