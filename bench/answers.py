"""Benchmark of the free-text engine against a plain word BM25 baseline, in one run.

    python bench/answers.py [--data FILE ...] [--misses] [--repeat N]

For each data file (default: the dev sets tests/data/questions.jsonl, questions_v2.jsonl
(the content v2 topics, slang, near-domain out-of-scope and Uzbek) and questions_dev3…6.jsonl,
used for tuning and as the topic model's training data, and the holdout sets
tests/data/questions_holdout*.jsonl, kept aside to check that tuning generalises) prints, for
the engine, the engine without its topic model ("words only") and BM25, top-1 accuracy by
language/script and by kind, out-of-scope rejection,
"confidently wrong" (answered outright with the wrong topic, or with any topic out of scope:
lower is better),
crisis recall, crisis false positives (non-crisis questions flagged as crisis), and p50/p99
latency per query for both, as wall-clock time and as CPU time of the process (the latter
does not count time the process waited for a busy machine). `--repeat N` times the engine
N times and reports the median figures. `--misses` lists the engine's wrong answers.

Then, for each crisis set (tests/data/crisis_dev*.jsonl, used for tuning, and
crisis_holdout.jsonl, written by someone else and kept aside), the crisis
detector (`bot/catalog/crisis.py`) beside the previous one (the phrase list of
bench/crisis_v1.toml, matched as before): recall by category of distress, false alarms by
kind of lookalike, both by language and script, whether the answer fits the danger, and
p50/p99 per message. `--crisis-only` skips the topic part.
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
from train_crisis import CRISIS_DEV  # noqa: E402  (bench/ is on the path: it holds this script)
from train_topics import TRAINING as TOPIC_MODEL_TRAINING  # noqa: E402

from bot.catalog.crisis import CrisisDetector  # noqa: E402
from bot.catalog.loader import Catalog, load_catalog  # noqa: E402
from bot.catalog.normalize import words  # noqa: E402
from bot.catalog.search import SearchIndex  # noqa: E402
from bot.services.crisis import answer_kind  # noqa: E402

# Topics added by the content v2 issue, reported as a group of their own.
CONTENT_V2_TOPICS = {
    "resource-centre",
    "national-fund",
    "edu-grants",
    "military",
    "housing",
    "teen-jobs",
    "legal-help",
    "free-courses",
    "youth-awards",
    "diplomen-auylga",
    "dormitory",
    "student-discounts",
}
Prediction = tuple[str | None, bool, bool]  # (topic or None, crisis flagged, answered outright)


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
        return topic, topic == "psych-support", topic is not None  # no notion of doubt

    return predict


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


EVENTS = "events"  # what the bot answers when the events recogniser takes a message


def engine(
    catalog: Catalog, events: bool = True, model: bool = True
) -> Callable[[str], Prediction]:
    """The bot's order: the crisis detector, then (with `events`) the events recogniser of
    content/events.toml, then the topic engine. A message the recogniser takes counts as
    answered with the event list (a wrong topic) unless it has other words and the topic
    engine is confident (the bot's rule), as if every category had an event coming:
    the worst case (with none, a category word with "when" goes on to the topic engine)."""
    index = SearchIndex(catalog) if model else SearchIndex(catalog, model=None)

    def predict(text: str) -> Prediction:
        result = index.search(text)
        found = catalog.events.recognise(text) if events and not result.crisis else None
        if found is not None and not found.gives_way(result.topic is not None, result.confident):
            # The event list offers the topic the engine saw as a way out: not a confident
            # answer then.
            return EVENTS, False, result.topic is None
        return result.topic, result.crisis, result.confident

    return predict


def evaluate(name: str, predict: Callable[[str], Prediction], rows: list[dict]) -> dict:
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    latencies, cpu_times = [], []
    misses: list[tuple[dict, str | None, bool]] = []
    for row in rows:
        start, cpu = time.perf_counter(), time.process_time()
        topic, crisis, confident = predict(row["text"])
        latencies.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - cpu) * 1000)
        correct = topic == row["topic"]
        groups = [f"{row['lang']}/{row['script']}", f"kind:{row['kind']}", "overall"]
        if row["kind"] == "typo" or (row["lang"] == "kk" and row["script"] == "lat"):
            groups.append("kk-latin+typos")
        if row["topic"] in CONTENT_V2_TOPICS:
            groups.append("content v2 topics")
        elif row["topic"] is not None and not row["crisis"]:
            groups.append("first catalogue topics")
        for group in groups:
            hits[group][0] += correct
            hits[group][1] += 1
        # A confident answer on the wrong topic (or any topic for an out-of-scope question):
        # worse than "I don't know", so counted apart, lower is better.
        hits["confidently wrong"][0] += confident and not correct and not row["crisis"]
        hits["confidently wrong"][1] += not row["crisis"]
        if row["topic"] is not None and not row["crisis"]:
            # The other side of "confidently wrong": in-scope questions answered outright
            # with the right topic (the rest get buttons or "I don't know").
            hits["answered outright"][0] += confident and correct
            hits["answered outright"][1] += 1
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
    return {
        "name": name,
        "hits": hits,
        **_percentiles("", latencies),
        **_percentiles("cpu_", cpu_times),
        "misses": misses,
    }


def _percentiles(prefix: str, values: list[float]) -> dict[str, float]:
    if not values:  # an empty set (`--crisis /dev/null`): nothing timed
        return {prefix + "p50": 0.0, prefix + "p99": 0.0}
    values = sorted(values)
    p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
    return {prefix + "p50": statistics.median(values), prefix + "p99": p99}


def _read(path: Path) -> list[dict]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def table(groups: list[str], results: list[dict], width: int, digits: int) -> None:
    """One row per group (hits / total and the share) and the latencies, a column per run."""
    print(f"{'group':{width}s}" + "".join(f"{r['name']:>18s}" for r in results))
    for group in groups:
        cells = []
        for r in results:
            ok, n = r["hits"].get(group, [0, 0])
            cells.append(f"{ok:>4d}/{n:<4d} {ok / n:6.1%}" if n else "-")
        print(f"{group:{width}s}" + "".join(f"{c:>18s}" for c in cells))
    for label, key in (("latency p50 / p99 ms", ""), ("  cpu time p50 / p99", "cpu_")):
        print(
            f"{label:{width}s}"
            + "".join(
                f"{r[key + 'p50']:>9.{digits}f} / {r[key + 'p99']:<6.{digits}f}" for r in results
            )
        )


def report(path: Path, rows: list[dict], results: list[dict]) -> None:
    groups = sorted(
        {g for r in results for g in r["hits"]},
        key=lambda g: (g == "overall", g.startswith("kind:"), g),
    )
    print(f"== {path.name}: {len(rows)} questions\n")
    table(groups, results, width=22, digits=2)
    ours_all = results[0]["hits"]["overall"]
    base_all = results[-1]["hits"]["overall"]
    gap = (ours_all[0] / ours_all[1] - base_all[0] / base_all[1]) * 100
    print(f"\nengine minus baseline, overall top-1: {gap:+.1f} points\n")


# --- crisis ---------------------------------------------------------------------------------

CRISIS_SETS = (*CRISIS_DEV, "crisis_holdout.jsonl")
# The answer each gold category should get (a minor in danger: online or at home, either;
# someone else in danger: what to do for a friend, or the answer to that danger itself).
FITTING = {
    "suicidal": {"suicide"},
    "passive": {"suicide"},
    "plan_means": {"suicide"},
    "self_harm": {"self-harm"},
    "abuse": {"abuse"},
    "third_person": {"friend", "abuse", "online", "home", "addiction"},
    "addiction": {"addiction"},
    "minor_danger": {"online", "home"},
}
CrisisPredict = Callable[[str], str | None]  # the answer kind, or None: not a crisis


def previous_detector() -> CrisisPredict:
    """The first detector, as it was: a message is a crisis when one of the phrases of
    bench/crisis_v1.toml appears as a run of word prefixes (all parts of an "a + b" rule,
    anywhere). It had no categories: every crisis got the same answer."""
    import tomllib

    phrases = tomllib.loads((ROOT / "bench" / "crisis_v1.toml").read_text("utf-8"))["crisis"]
    rules = [tuple(tuple(words(part)) for part in p.split(" + ")) for p in phrases]
    rules = [r for r in rules if all(r)]

    def found(tokens: list[str], phrase: tuple[str, ...]) -> bool:
        return any(
            all(
                start + i < len(tokens) and tokens[start + i].startswith(part)
                for i, part in enumerate(phrase)
            )
            for start in range(len(tokens))
        )

    def predict(text: str) -> str | None:
        tokens = words(text)
        hit = any(all(found(tokens, phrase) for phrase in rule) for rule in rules)
        return "suicide" if hit else None

    return predict


def current_detector(detector: CrisisDetector) -> CrisisPredict:
    def predict(text: str) -> str | None:
        verdict = detector.detect(text)
        return None if verdict is None else answer_kind(verdict.category)

    return predict


def evaluate_crisis(name: str, predict: CrisisPredict, rows: list[dict]) -> dict:
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    latencies, cpu_times, misses = [], [], []
    for row in rows:
        start, cpu = time.perf_counter(), time.process_time()
        kind = predict(row["text"])
        latencies.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - cpu) * 1000)
        flagged = kind is not None
        script = f"{row['lang']}/{row['script']}"
        if row["crisis"]:
            for group in ("recall: overall", f"recall: {row['category']}", f"recall: {script}"):
                hits[group][0] += flagged
                hits[group][1] += 1
            if flagged:
                hits["answer fits the danger"][0] += kind in FITTING.get(row["category"], ())
                hits["answer fits the danger"][1] += 1
        else:
            for group in (
                "false alarms: overall",
                f"false alarms: {row['category']}",
                f"false alarms: {script}",
            ):
                hits[group][0] += flagged
                hits[group][1] += 1
        if flagged != row["crisis"]:
            misses.append((row, kind))
    return {
        "name": name,
        "hits": hits,
        **_percentiles("", latencies),
        **_percentiles("cpu_", cpu_times),
        "misses": misses,
    }


def report_crisis(path: Path, rows: list[dict], results: list[dict], held_out: bool) -> None:
    def order(group: str) -> tuple[int, int, str]:
        kind = 0 if group.startswith("recall") else 1 if group.startswith("answer") else 2
        return kind, 0 if group.endswith("overall") else 1 if "/" not in group else 2, group

    groups = sorted({g for r in results for g in r["hits"]}, key=order)
    label = "held out: not read by the detector's author" if held_out else "dev: tuned on"
    print(
        f"== {path.name} ({label}): {len(rows)} messages, "
        f"{sum(r['crisis'] for r in rows)} of distress\n"
    )
    table(groups, results, width=34, digits=3)
    new = results[0]["hits"]
    recall = new["recall: overall"][0] / new["recall: overall"][1]
    plan = new.get("recall: plan_means", [0, 0])
    alarms = new["false alarms: overall"][0] / new["false alarms: overall"][1]
    print(
        f"\ntargets: recall {recall:.1%} (>= 98%), plan or means "
        f"{plan[0]}/{plan[1]} (all), false alarms {alarms:.1%} (<= 3%)\n"
    )


def run_crisis(paths: list[Path], misses: bool) -> None:
    detector = CrisisDetector()
    rules_only = CrisisDetector(threshold=2.0)  # a probability never reaches 2: no model
    previous = previous_detector()
    for path in paths:
        rows = _read(path)
        if not rows:  # `--crisis /dev/null`: the topic part only
            continue
        results = [
            evaluate_crisis("detector", current_detector(detector), rows),
            evaluate_crisis("  rules alone", current_detector(rules_only), rows),
            evaluate_crisis("previous", previous, rows),
        ]
        report_crisis(path, rows, results, held_out="holdout" in path.name)
        if misses:
            for row, kind in results[0]["misses"]:
                what = f"flagged as {kind}" if kind else "missed"
                print(
                    f"  [{row['category']} {row['lang']}/{row['script']}] {what}: {row['text']!r}"
                )
            print()


def main() -> None:
    default = [
        ROOT / "tests" / "data" / name
        for name in (
            *TOPIC_MODEL_TRAINING,  # the dev sets
            "questions_holdout.jsonl",
            "questions_holdout2.jsonl",
            "questions_holdout3.jsonl",
        )
    ]
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, nargs="+", default=[p for p in default if p.exists()])
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="time the engine this many times (a new index each time, so no "
        "run profits from words cached by another); report the median",
    )
    parser.add_argument("--misses", action="store_true", help="list the engine's mistakes")
    parser.add_argument(
        "--crisis",
        type=Path,
        nargs="+",
        default=[p for p in (ROOT / "tests" / "data" / n for n in CRISIS_SETS) if p.exists()],
    )
    parser.add_argument("--crisis-only", action="store_true", help="skip the topic part")
    args = parser.parse_args()
    if args.crisis_only:
        run_crisis(args.crisis, args.misses)
        return
    catalog = load_catalog(ROOT / "content")
    start = time.perf_counter()
    ours = engine(catalog)
    build_ms = (time.perf_counter() - start) * 1000
    bm25 = baseline(catalog)
    print(f"index built in {build_ms:.0f} ms\n")
    for path in args.data:
        rows = _read(path)
        runs = [
            evaluate("engine", ours if i == 0 else engine(catalog), rows)
            for i in range(max(1, args.repeat))
        ]
        mine = runs[0]
        for key in ("p50", "p99", "cpu_p50", "cpu_p99"):
            mine[key] = statistics.median(r[key] for r in runs)
        if path.name in TOPIC_MODEL_TRAINING:
            print(f"({path.name} is training data of the topic model: see train_topics.py --cv)")
        words_only = evaluate("words only", engine(catalog, model=False), rows)
        report(path, rows, [mine, words_only, evaluate("bm25-words", bm25, rows)])
        taken = [r for r in rows if ours(r["text"])[0] == EVENTS]
        print(f"events recogniser took {len(taken)} of {len(rows)} questions of this set")
        for row in taken:
            print(f"  [{row['lang']}/{row['kind']}] {row['text']!r} (labelled {row['topic']})")
        print()
        if args.misses:
            for row, topic, crisis in mine["misses"]:
                flag = " CRISIS" if crisis else ""
                print(
                    f"  [{row['lang']}/{row['script']}/{row['kind']}] {row['text']!r}: "
                    f"expected {row['topic']}, got {topic}{flag}"
                )
            print()
    run_crisis(args.crisis, args.misses)


if __name__ == "__main__":
    main()
