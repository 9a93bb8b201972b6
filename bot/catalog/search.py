"""The free-text engine: which topic a question is about, or that none is.

Every string of the catalogue that says what a topic is about (titles, keywords, FAQ
question variants, summaries, sentences of the text) becomes a passage. Passages and
questions are folded (`normalize.py`) and turned into features: character 3-grams of each
word (robust to typos and to Kazakh suffixes), whole words, and 5-letter word stems (Russian
and Kazakh inflections). A question is scored against each passage by TF-IDF cosine and by
how much of a short passage it contains; a topic's score is its best passage's. Out-of-scope
subjects are passages of a pseudo-topic: when one of them wins, the bot says it does not
know rather than answer with the nearest unrelated topic. Crisis wording is a separate check
that always wins.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from bot.catalog.loader import Catalog
from bot.catalog.models import FILL
from bot.catalog.normalize import normalise, words
from bot.config import Language

CONTAIN = 0.85
SUPPORT = 0.15
OFFTOPIC = "_offtopic"
CRISIS_TOPIC = "psych-support"

# Function words that carry no subject (already folded). IDF lowers the rest.
STOPWORDS = frozenset(normalise(
    "и в во на не ни что как где когда я мне меня мой моя а но же ли то это по с со к у о об "
    "за из от до для есть бы вы ты он она они мы там тут вот так уже еще или да нет ну можно "
    "какой какая какие кто чем скажите подскажите пожалуйста бот "
    "мен сен сіз ол біз бұл және мен да де та те ма ме ба бе па пе ғой қалай не неге қайда "
    "қашан бар маған менің үшін туралы осы сол ғана ғой шы ші айтыңызшы"
).split())

# Field weights: how strongly a match in each kind of passage speaks for the topic.
WEIGHTS = {"faq": 1.0, "title": 1.0, "keyword": 0.95, "summary": 0.8, "text": 0.7,
           "offtopic": 1.0}


def features(text: str) -> Counter[str]:
    """Character 3-grams of each padded word, the word itself and its 5-letter stem."""
    return _features(words(text))


def _features(tokens: list[str]) -> Counter[str]:
    feats: Counter[str] = Counter()
    for word in tokens:
        if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        feats["w:" + word] += 1
        if len(word) > 5:
            feats["p:" + word[:5]] += 1
        padded = f"<{word}>"
        for i in range(len(padded) - 2):
            feats[padded[i:i + 3]] += 1
    return feats


@dataclass(frozen=True)
class Passage:
    topic_id: str
    kind: str
    lang: Language | None
    text: str
    answer: str | None = None  # for FAQ questions: the answer to show


@dataclass
class Match:
    topic_id: str
    score: float
    passage: Passage


@dataclass
class SearchResult:
    """What the engine concluded; `topic` is None when the bot should say it does not know."""

    query: str
    normalised: str
    topic: str | None
    score: float
    alternatives: list[str] = field(default_factory=list)
    crisis: bool = False
    confident: bool = False
    best: Match | None = None
    ranked: list[Match] = field(default_factory=list)


@dataclass(frozen=True)
class Thresholds:
    """Calibrated on tests/data/questions.jsonl with bench/answers.py (see the README)."""

    reject: float = 0.40      # below: "I don't know"
    confident: float = 0.45   # at or above, with the margin: answer directly
    margin: float = 0.06      # best minus second-best topic
    alternative: float = 0.25  # a runner-up worth offering as a button


class SearchIndex:
    """Inverted index of passage features; built from a catalog in a few milliseconds."""

    def __init__(self, catalog: Catalog, thresholds: Thresholds | None = None) -> None:
        self.catalog = catalog
        self.thresholds = thresholds or Thresholds()
        self.passages: list[Passage] = list(_passages(catalog, catalog.offtopic))
        phrases = (tuple(words(p)) for p in catalog.crisis)
        self.crisis_phrases = [phrase for phrase in phrases if phrase]
        raw = [features(p.text) for p in self.passages]
        # Document frequency counts topics, not passages: a word found in the FAQs of six
        # topics ("how do I take part") says little about which topic is meant.
        topics_with: dict[str, set[str]] = defaultdict(set)
        for passage, feats in zip(self.passages, raw, strict=True):
            for f in feats:
                topics_with[f].add(passage.topic_id)
        n = len({p.topic_id for p in self.passages}) or 1
        self.idf = {f: math.log(1 + n / len(t)) for f, t in topics_with.items()}
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self.norms: list[float] = []
        for index, feats in enumerate(raw):
            vector = {f: (1 + math.log(c)) * self.idf[f] for f, c in feats.items()}
            norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
            self.norms.append(norm)
            for f, v in vector.items():
                self.postings[f].append((index, v))
        self.norm_ref = sorted(self.norms)[len(self.norms) // 2] if self.norms else 1.0

    def is_crisis(self, text: str) -> bool:
        """A crisis phrase appears as a run of word prefixes (so suffixes and typos at the
        end of a word still match: "өлгім" matches "өлгім келеді", "убить" "убиться")."""
        return self._is_crisis(words(text))

    def _is_crisis(self, tokens: list[str]) -> bool:
        for phrase in self.crisis_phrases:
            size = len(phrase)
            for start in range(len(tokens) - size + 1):
                if all(tokens[start + i].startswith(part) for i, part in enumerate(phrase)):
                    return True
        return False

    def score(self, text: str) -> list[Match]:
        """Best passage per topic, best topic first."""
        return self._score(words(text))

    def _score(self, tokens: list[str]) -> list[Match]:
        query = _features(tokens)
        if not query:
            return []
        q_vec = {f: (1 + math.log(c)) * self.idf[f] for f, c in query.items() if f in self.idf}
        q_norm = math.sqrt(sum(v * v for v in q_vec.values())) or 1.0
        dots: dict[int, float] = defaultdict(float)
        covered: dict[int, float] = defaultdict(float)
        for f, qv in q_vec.items():
            for index, pv in self.postings[f]:
                dots[index] += qv * pv
                covered[index] += pv * pv
        per_topic: dict[str, list[tuple[float, Passage]]] = defaultdict(list)
        for index, dot in dots.items():
            passage = self.passages[index]
            p_norm = self.norms[index]
            cosine = dot / (q_norm * p_norm)
            score = cosine
            if passage.kind in ("keyword", "title") and CONTAIN:
                # A short passage wholly inside a long question is evidence, in proportion
                # to how distinctive the passage is (a lone "help" says little).
                containment = covered[index] / (p_norm * p_norm)
                score = max(cosine, CONTAIN * containment * min(1.0, p_norm / self.norm_ref))
            score *= WEIGHTS[passage.kind]
            per_topic[passage.topic_id].append((score, passage))
        best: list[Match] = []
        for topic_id, scored in per_topic.items():
            scored.sort(key=lambda item: item[0], reverse=True)
            total = scored[0][0] + sum(s for s, _ in scored[1:3]) * SUPPORT
            best.append(Match(topic_id, total, scored[0][1]))
        return sorted(best, key=lambda m: m.score, reverse=True)

    def search(self, text: str) -> SearchResult:
        th = self.thresholds
        tokens = words(text)  # folded once; scoring, crisis check and the log all use it
        ranked = self._score(tokens)
        result = SearchResult(query=text, normalised=" ".join(tokens), topic=None, score=0.0,
                              ranked=ranked)
        if self._is_crisis(tokens):
            result.crisis = True
            result.confident = True
            result.topic = CRISIS_TOPIC
            result.score = 1.0
            result.best = next((m for m in ranked if m.topic_id == CRISIS_TOPIC), None)
            return result
        if not ranked:
            return result
        top = ranked[0]
        result.score = round(top.score, 4)
        if top.topic_id == OFFTOPIC or top.score < th.reject:
            return result
        result.topic = top.topic_id
        result.best = top
        runners = [m for m in ranked[1:] if m.topic_id != OFFTOPIC]
        second = runners[0].score if runners else 0.0
        result.confident = top.score >= th.confident and top.score - second >= th.margin
        if not result.confident:
            result.alternatives = [m.topic_id for m in runners[:2] if m.score >= th.alternative]
        return result


def _passages(catalog: Catalog, offtopic: list[str]) -> list[Passage]:
    out: list[Passage] = []
    for topic in catalog.topics.values():
        for lang in ("kk", "ru"):
            text = topic.text(lang)  # type: ignore[arg-type]
            out.append(Passage(topic.id, "title", lang, text.title))
            out.append(Passage(topic.id, "summary", lang, text.summary))
            out.extend(Passage(topic.id, "keyword", lang, k) for k in text.keywords)
            for item in text.faq:
                out.extend(Passage(topic.id, "faq", lang, q, item.answer) for q in item.questions)
            for sentence in _sentences(text.text):
                out.append(Passage(topic.id, "text", lang, sentence))
    out.extend(Passage(OFFTOPIC, "offtopic", None, phrase) for phrase in offtopic)
    return out


def _sentences(text: str) -> list[str]:
    parts = []
    for line in text.splitlines():
        if FILL.search(line):
            continue
        for sentence in line.replace("!", ".").replace("?", ".").split(". "):
            if len(sentence.split()) >= 3:
                parts.append(sentence)
    return parts
