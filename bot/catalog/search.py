"""The free-text engine: which topic a question is about, or that none is.

Every string of the catalogue that says what a topic is about (titles, keywords, FAQ
question variants, summaries, sentences of the text) becomes a passage, one per topic and
folded text. Passages and questions are folded (`normalize.py`); each word that is not a
stopword becomes features: the word itself and its prefixes of 3, 4, 6 and 8 letters, with
one unit of weight per word. Kazakh and Russian inflect at the end of the word, so
"практикасына" shares "пра…практика" with "практика", and longer shared prefixes count for
more through their rarer use. Document frequency counts topics; a topic that only mentions a
word in its texts counts for a fraction.

A question word the catalogue does not know is looked up at one edit ("прктика", "раьота",
"перове"; also the first 6 letters of an inflected word, "опертормен"), as two known words
run together ("жасылел"), and else counts against every topic. Two question words whose
join the catalogue knows count as one more word ("мекен жайы").

A topic's score mixes its best strong passages (FAQ variants, keywords, titles: TF-IDF cosine,
or the share of a short passage found whole in the question; the variants of one FAQ item
count once) with how much of the question
its passages explain (its coverage, which counts more in a long question). Out-of-scope
subjects are passages of a pseudo-topic: when it wins, or the best score is low, or the
message holds only stopwords, the bot says it does not know rather than answer with the
nearest unrelated topic. Crisis wording is a separate check that always wins.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from bot.catalog.crisis import CrisisDetector, Verdict
from bot.catalog.loader import Catalog
from bot.catalog.models import FILL
from bot.catalog.normalize import normalise, words
from bot.catalog.topic_model import TopicModel, shared_model
from bot.config import LANGUAGES, Language

OFFTOPIC = "_offtopic"
CRISIS_TOPIC = "psych-support"

# Features of a word (see `word_features`).
PREFIX_LENGTHS = (3, 4, 6, 8)  # as accurate as every length from 3 to 8, with fewer postings
PREFIX_MAX = PREFIX_LENGTHS[-1]
WORD_WEIGHT = 1.0  # the whole word, next to each of its prefixes
# Question words the catalogue does not know.
FUZZY_MIN = 5  # shorter unknown words are not corrected ("поест" is not "пост")
FUZZY_WEIGHT = 0.8  # a vocabulary word one edit away from an unknown question word
START = 6  # length of the word starts looked up for a typo in an inflected word
STEM_MIN = 5  # a known word of this many letters or more may take an ending
STEM_WEIGHT = 0.8  # that word's features in the inflected word
SPLIT_WEIGHT = 0.7  # each half of an unknown word that is two vocabulary words run together
UNSEEN = 0.5  # share of unexplained wording counted in the question's length
# Kinds of passage.
STRONG = ("faq", "keyword", "title", "offtopic")  # what a topic is about, not in passing
CORRECT_TO = STRONG  # typos are corrected towards words of these passages
CONTAINED = STRONG  # short passages that may sit whole inside a longer question
SCORED = STRONG  # passages scored one by one; summaries and texts count in coverage
MENTION = 0.4  # document frequency weight of a topic that only mentions a word
# Scoring.
CONTAIN = 0.85  # weight of a short passage found whole inside the question
SUPPORT = 0.15  # share of a topic's 2nd and 3rd best (other FAQ items) added to its best
COVER = 0.4  # weight of how much of the question the topic explains
COVER_FROM = 6  # in a question of more content words than this, coverage weighs more:
COVER_GROWTH = 0.04  # this much a word,
COVER_MAX = 0.6  # up to this
# The topic model's probabilities count this much beside the word engine's scores (0.5, 1.0
# and 1.5 tried with bench/train_topics.py --cv: 1.0 and 1.5 alike, 0.5 lower).
MODEL_WEIGHT = 1.0
# A word-engine score from which its confident answer stands without the model: the
# catalogue's wording matched nearly whole (--cv: the same top-1, more answered outright).
WORDS_SURE = 1.0
WORD_COVER = 0.5  # share of coverage counted by words, each alike, rather than by weight

# Words that carry no subject (folded before use): function words, auxiliaries ("жүрмін",
# "келеді" of "I want"), fillers, greetings and thanks. A message of only these words has
# nothing to match and is answered "I don't know"; in a longer message they are ignored.
STOPWORDS = frozenset(
    normalise(
        # Russian
        "и в во на не ни что как где когда я мне меня мой моя мои наш нас вас вам вами его ее их "
        "им ему себя себе а но же ли то это по с со к у о об за из от до для при есть бы вы ты "
        "он она они мы там тут здесь вот так уже еще ещё или да нет ну можно нужно надо какой "
        "какая какие каких кто чем скажите подскажите пожалуйста бот бота боту ботом боте тоже "
        "также очень просто вообще короче типа если чтобы тогда сейчас потом весь вся все всё "
        "был была было были "
        "будет быть буду может могу хочу хотел хотела че чё шо ага ок окей "
        "привет здравствуйте здрасте добрый доброе салам спасибо благодарю пока помогите помоги "
        # Kazakh
        "мен сен сіз ол біз сендер сіздер олар менің сенің оның біздің маған саған оған бізге "
        "ботқа ботта боттан ботты боттың мені сені оны бізді және бен пен да де та те ма ме ба "
        "бе па пе ғой қой ғана тек енді деген дегеніміз қандай "
        "бірақ сосын қалай не неге қайда қашан бар үшін туралы осы сол шы ші айтыңызшы айтшы "
        "жүр жүрмін жүрміз жүрсің жүрген жатыр жатырмын тұр тұрмын еді екен екені болса бола "
        "болама болады керек келеді сәлем салем сәлеметсіз сәлеметсіздер ассалаумағалейкум "
        "көмектесіңіз көмектесіңізші көмектесіңіздер көмектесші көмектесіп жіберіңіз "
        "рахмет рақмет жарайды алейкум әлейкум уағалейкум ассалам ok hi hello"
    ).split()
)

# Words that say what the asker wants to do (apply, go, the documents, how much) or who
# asks (an age) rather than what about: they are in the questions of every topic ("how do I
# apply", "where do I go", "I am 16, can I…"), so they weigh GENERIC_WEIGHT of a word, and a
# passage made of them alone ("как подать заявку") no longer outweighs the question's subject.
GENERIC = frozenset(
    normalise(
        # Russian
        "подать подавать подаю подам подача заявка заявку заявки заявление заявления документ "
        "документы документов куда где находится находитесь сколько такое делать сделать "
        "получить получать попасть участвовать обратиться идти пойти нужен нужна нужны узнать "
        # Kazakh
        "барамын барам барайын бару баруға барсам барып барамыз құжат құжаттар құжатты "
        "құжаттарды құжаттары тапсыру тапсырамын тапсырам тапсыруға өтінім өтінімді "
        "қатысу қатысамын қатысам қатысуға аламын алам алу алуға қанша неше кімге қайдан жолы "
        "кіремін кірем кіру кіруге орналасқан"
    ).split()
)
# Words that give the asker's age ("мне 17 лет", "16 жастамын"): every topic's questions
# carry them, as do the age limits of several topics, so beside a subject they weigh little.
AGE_WORDS = frozenset(
    normalise("лет года годиков жастамын жаспын жаста жастағы жасым жасымда").split()
)
GENERIC_WEIGHT = 0.7
AGE_WEIGHT = 0.7  # the same for ages (0.3 to 0.5 measured no better on the dev sets)
# Matched in a passage, a generic word counts this share of its weight once more: weighting
# both sides alike would leave the cosine of two texts made of generic words unchanged.
GENERIC_CONTAIN = 0.3

# Field weights: how strongly a match in each kind of passage speaks for the topic.
WEIGHTS = {"faq": 1.0, "title": 1.0, "keyword": 0.95, "summary": 0.8, "text": 0.7, "offtopic": 1.0}
# The same for topic-level coverage: a word a topic only mentions in its text explains less.
COVER_WEIGHTS = {
    "faq": 1.0,
    "title": 1.0,
    "keyword": 1.0,
    "summary": 0.6,
    "text": 0.4,
    "offtopic": 1.0,
}


_REPEATS = re.compile(r"(.)\1+")
_VOICED = re.compile(r"(?<=[аеиоуяю])[бг](?=[аеиоуяю])")
# Words that open a greeting: the word after them is part of it ("добрый вечер").
OPENERS = frozenset(normalise("добрый доброе доброго доброй қайырлы").split())


def _is_content_word(word: str) -> bool:
    return word not in STOPWORDS and (len(word) >= 2 or word.isdigit())


def word_features(word: str) -> tuple[tuple[str, float], ...]:
    """The features of one folded word with their weights: the word itself and its
    prefixes of PREFIX_LENGTHS letters. Each word carries the same total weight (squared sum 1),
    so a long word does not outweigh a short distinctive one ("нко", "ип", "зож")."""
    feats = ["w:" + word]
    feats.extend("p:" + word[:n] for n in PREFIX_LENGTHS if n <= len(word))
    share = 1 / math.sqrt(len(feats) - 1 + WORD_WEIGHT**2)
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    if word in _AGE_WORDS or (word.isdecimal() and AGES[0] <= int(word) <= AGES[1]):
        share *= AGE_WEIGHT
    elif _generic_word(word):
        share *= GENERIC_WEIGHT
    return tuple((f, share * (WORD_WEIGHT if f[0] == "w" else 1.0)) for f in feats)


def content_words(tokens: list[str]) -> list[str | None]:
    """The folded words that may carry a subject, in place (None for the others: stopwords
    and the word after a greeting opener, "добрый вечер"), with Kazakh voicing at the end of
    a stem undone: "табу" and "тапқым", "тілегі" and "тілек" share their start."""
    out: list[str | None] = []
    after_opener = False
    for token in tokens:
        if after_opener or not _is_content_word(token):
            out.append(None)
        else:
            out.append(_VOICED.sub(_devoice, token))
        after_opener = token in OPENERS
    return out


def _devoice(match: re.Match[str]) -> str:
    return "п" if match.group() == "б" else "к"


# GENERIC as `content_words` gives them; the ages of the bot's users count as generic too.
_GENERIC = frozenset(_VOICED.sub(_devoice, w) for w in GENERIC)
_AGE_WORDS = frozenset(_VOICED.sub(_devoice, w) for w in AGE_WORDS)
# Other forms of the generic words: the same first GENERIC_STEM letters ("документов",
# "құжаттарымды", "қатысамыз").
GENERIC_STEM = 6
_GENERIC_STARTS = frozenset(w[:GENERIC_STEM] for w in _GENERIC if len(w) >= GENERIC_STEM)


def _generic_word(word: str) -> bool:
    return word in _GENERIC or (
        len(word) >= GENERIC_STEM and word[:GENERIC_STEM] in _GENERIC_STARTS
    )


AGES = (14, 35)


def features(text: str) -> dict[str, float]:
    """Feature weights of a text as the index sees a passage (no typo correction)."""
    return _features(text)[0]


def _is_generic(word: str) -> bool:
    return (
        _generic_word(word)
        or word in _AGE_WORDS
        or (word.isdecimal() and AGES[0] <= int(word) <= AGES[1])
    )


def _features(text: str) -> tuple[dict[str, float], dict[str, float]]:
    """Feature weights of a text, and the part of each that comes from generic words."""
    counts: dict[str, float] = defaultdict(float)
    generic: dict[str, float] = defaultdict(float)
    for word in content_words(words(text)):
        if word:
            is_generic = _is_generic(word)
            for f, weight in word_features(word):
                counts[f] += weight
                if is_generic:
                    generic[f] += weight
    return dict(counts), dict(generic)


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance of exactly one (a != b)."""
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


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
    explained: float = 0.0  # the share of the question's words the topic's passages explain


@dataclass
class SearchResult:
    """What the engine concluded; `topic` is None when the bot should say it does not know."""

    query: str
    normalised: str
    topic: str | None
    score: float
    alternatives: list[str] = field(default_factory=list)
    crisis: bool = False
    crisis_category: str | None = None  # what kind of danger (`crisis.Category`)
    confident: bool = False
    best: Match | None = None
    ranked: list[Match] = field(default_factory=list)


@dataclass(frozen=True)
class Thresholds:
    """Calibrated on tests/data/questions*.jsonl with bench/answers.py (see the README)."""

    reject: float = 0.20  # below: "I don't know"
    confident: float = 0.50  # at or above, with the margin: answer directly
    margin: float = 0.13  # best minus second-best topic
    alternative: float = 0.30  # a runner-up worth offering as a button
    explained: float = 0.30  # share of the question the top topic must explain to answer outright
    offtopic_margin: float = 0.08  # the best out-of-scope subject nearly as close: "I don't know"
    # With the topic model (`topic_model.py`): its probability of the chosen topic from which
    # the answer is given outright (bench/train_topics.py --cv: 0.5 halves confidently wrong
    # answers and answers more outright than the word engine's rule).
    model_confident: float = 0.5


class SearchIndex:
    """Inverted index of passage features; built from a catalog in a few hundred ms."""

    def __init__(
        self,
        catalog: Catalog,
        thresholds: Thresholds | None = None,
        detector: CrisisDetector | None = None,
        model: TopicModel | Literal["shared"] | None = "shared",
    ) -> None:
        self.catalog = catalog
        self.thresholds = thresholds or Thresholds()
        # The learned half, when it was trained for this catalogue (None: words alone).
        self.model = shared_model() if model == "shared" else model
        if self.model is not None and not self.model.covers(set(catalog.topics)):
            self.model = None
        self.passages: list[Passage] = _unique(_passages(catalog, catalog.offtopic))
        self.detector = detector or shared_detector()
        split = [_features(p.text) for p in self.passages]
        raw = [feats for feats, _ in split]
        # Document frequency counts topics, not passages: a word found in the FAQs of six
        # topics ("how do I take part") says little about which topic is meant. A topic that
        # only mentions a word in passing (in its text) counts for a fraction: "психолог" is
        # named in the texts of several programmes but is what psych-support is about.
        presence: dict[str, dict[str, float]] = defaultdict(dict)
        for passage, feats in zip(self.passages, raw, strict=True):
            strength = 1.0 if passage.kind in STRONG else MENTION
            for f in feats:
                if presence[f].get(passage.topic_id, 0.0) < strength:
                    presence[f][passage.topic_id] = strength
        n = len({p.topic_id for p in self.passages}) or 1
        self.idf = {f: math.log(1 + n / max(1.0, sum(t.values()))) for f, t in presence.items()}
        self.idf_unseen = math.log(1 + n)
        # For topic-level evidence: how strongly each feature speaks for each topic (the
        # weight of the strongest kind of passage of the topic that holds it).
        topic_weight: dict[str, dict[str, float]] = defaultdict(dict)
        # Features are numbered in the order of `idf`. The postings (feature, passage,
        # weight, squared weight), gathered passage by passage in flat lists, are filed by
        # feature below.
        self.feature_ids: dict[str, int] = {f: i for i, f in enumerate(self.idf)}
        post_features: list[int] = []
        post_passages: list[int] = []
        post_values: list[float] = []
        post_squares: list[float] = []
        self.norms: list[float] = []
        for index, feats in enumerate(raw):
            passage = self.passages[index]
            vector = {f: c * self.idf[f] for f, c in feats.items()}
            norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
            self.norms.append(norm)
            kind_weight = COVER_WEIGHTS[passage.kind]
            for f, v in vector.items():
                if passage.kind in SCORED:
                    # In a short passage found whole, its generic words ("документы",
                    # "17 жаста") count less than its subject: a question holding only them
                    # has not named what the passage is about.
                    share = split[index][1].get(f, 0.0) / feats[f]
                    keep = 1 - (1 - GENERIC_CONTAIN) * share
                    post_features.append(self.feature_ids[f])
                    post_passages.append(index)
                    post_values.append(v * keep)
                    post_squares.append(v * v * keep)
                known = topic_weight[f].get(passage.topic_id, 0.0)
                if kind_weight > known:
                    topic_weight[f][passage.topic_id] = kind_weight
        self.norm_ref = sorted(self.norms)[len(self.norms) // 2] if self.norms else 1.0
        # What scoring needs, as arrays: a question is scored with a few array operations
        # rather than a Python loop over every passage it touches (up to ~600). The
        # postings of feature i (passages in ascending order) are the entries
        # post_starts[i]:post_starts[i + 1] of the three post_* arrays.
        features = np.array(post_features, dtype=np.intp)
        by_feature = np.argsort(features, kind="stable")
        self.post_starts: NDArray[np.intp] = np.zeros(len(self.idf) + 1, dtype=np.intp)
        np.cumsum(np.bincount(features, minlength=len(self.idf)), out=self.post_starts[1:])
        self.post_passages: NDArray[np.intp] = np.array(post_passages, dtype=np.intp)[by_feature]
        self.post_values: NDArray[np.float64] = np.array(post_values)[by_feature]
        self.post_squares: NDArray[np.float64] = np.array(post_squares)[by_feature]
        # Topics are numbered too. How strongly each feature speaks for each topic, dense
        # (features x topics, 0.0 where the topic lacks the feature), and the order in which
        # the feature met its topics (ties in the ranking keep the order coverage met them).
        self.topic_ids: list[str] = list(dict.fromkeys(p.topic_id for p in self.passages))
        topic_numbers = {t: i for i, t in enumerate(self.topic_ids)}
        self.offtopic_number = topic_numbers.get(OFFTOPIC, -1)
        self.topic_weights: NDArray[np.float64] = np.zeros((len(self.idf), len(self.topic_ids)))
        self.topic_order: NDArray[np.int16] = np.zeros(self.topic_weights.shape, dtype=np.int16)
        # Flat lists, not a tuple per cell: ~36,000 new tuples would wake the garbage
        # collector over the whole heap several times (+0.2 s a build).
        rows: list[int] = []
        columns: list[int] = []
        values: list[float] = []
        ranks: list[int] = []
        for f, by_topic in topic_weight.items():
            rows.extend([self.feature_ids[f]] * len(by_topic))
            columns.extend(topic_numbers[t] for t in by_topic)
            values.extend(by_topic.values())
            ranks.extend(range(len(by_topic)))
        cells = (np.array(rows, dtype=np.intp), np.array(columns, dtype=np.intp))
        self.topic_weights[cells] = values
        self.topic_order[cells] = ranks
        # Per passage, what scoring needs, precomputed: 1 / norm for the cosine; for a short
        # passage that may sit whole inside a question, the factor turning the covered part
        # of its squared norm into a score (a lone "help" says little, so the factor grows
        # with how distinctive the passage is); the weight of its kind; its topic's number.
        self.inverse_norms: NDArray[np.float64] = np.array(
            [1 / norm for norm in self.norms], dtype=np.float64
        )
        self.contain_factors: NDArray[np.float64] = np.array(
            [
                CONTAIN * min(1.0, norm / self.norm_ref) / (norm * norm)
                if passage.kind in CONTAINED
                else 0.0
                for passage, norm in zip(self.passages, self.norms, strict=True)
            ],
            dtype=np.float64,
        )
        self.kind_weights: NDArray[np.float64] = np.array(
            [WEIGHTS[p.kind] for p in self.passages], dtype=np.float64
        )
        self.passage_topics: NDArray[np.intp] = np.array(
            [topic_numbers[p.topic_id] for p in self.passages], dtype=np.intp
        )
        # Passages that answer with the same FAQ item form one group (ids past the passage
        # indices); every other passage is a group of its own.
        answer_ids: dict[tuple[str, str], int] = {}
        self.groups: NDArray[np.intp] = np.array(
            [
                answer_ids.setdefault((p.topic_id, p.answer), len(self.passages) + len(answer_ids))
                if p.answer is not None
                else i
                for i, p in enumerate(self.passages)
            ],
            dtype=np.intp,
        )
        self.group_count = len(self.passages) + len(answer_ids)
        # For a topic found only through its texts: its title (the answer is its summary).
        self.first_passage: dict[str, Passage] = {}
        for passage in sorted(self.passages, key=lambda p: p.kind != "title"):
            self.first_passage.setdefault(passage.topic_id, passage)
        # Typo look-up: every vocabulary word under each of its one-letter deletions.
        # Typos are corrected towards the words of titles, keywords, FAQ questions and
        # out-of-scope phrases, what people ask with, not towards every word of the texts.
        self.vocabulary = {
            w
            for p in self.passages
            if p.kind in CORRECT_TO
            for w in content_words(words(p.text))
            if w
        }
        self.deletions: dict[str, list[str]] = defaultdict(list)
        for word in self.vocabulary:
            if len(word) >= FUZZY_MIN and not word.isdigit():
                for d in _deletions(word):
                    self.deletions[d].append(word)
        # The same for the 6-letter starts of longer vocabulary words, for a typo in an
        # inflected word ("опертормен": "оператор…").
        self.starts = {w[:START] for w in self.vocabulary if len(w) > START}
        self.start_deletions: dict[str, list[str]] = defaultdict(list)
        for start in self.starts:
            for d in _deletions(start):
                self.start_deletions[d].append(start)
        self._word_cache: dict[str, tuple[tuple[tuple[str, float], ...], float]] = {}
        self._share_cache: dict[
            str, tuple[float, tuple[int, ...], tuple[float, ...], tuple[float, ...]]
        ] = {}

    def corrections(self, word: str) -> list[str]:
        """Vocabulary words one edit away from `word` (which the vocabulary lacks)."""
        if len(word) < FUZZY_MIN or word.isdigit():
            return []
        found: set[str] = set()
        for key in (word, *_deletions(word)):
            for candidate in self.deletions.get(key, ()):
                if candidate != word and _one_edit(word, candidate):
                    found.add(candidate)
        # `word` has one letter too many, except at its end: there the extra letter is an
        # ending ("писать" is not "пицца"), and the word's prefixes already carry its start.
        for d in _deletions(word[:-1]):
            if d + word[-1] in self.vocabulary:
                found.add(d + word[-1])
        return sorted(found)

    def start_corrections(self, word: str) -> list[str]:
        """6-letter starts of vocabulary words one edit away from the start of `word`."""
        if len(word) <= START:
            return []
        found: set[str] = set()
        head = word[:START]
        for key in (head, *_deletions(head)):  # a letter changed or swapped
            found.update(s for s in self.start_deletions.get(key, ()) if _one_edit(head, s))
        found.update(self.start_deletions.get(word[: START - 1], ()))  # a letter missing
        found.update(d for d in _deletions(word[: START + 1]) if d in self.starts)  # one extra
        found.discard(head)
        return sorted(found)

    def _word(self, word: str) -> tuple[tuple[tuple[str, float], ...], float]:
        """The (feature, weight) pairs a question word contributes, and the squared weight
        of it the catalogue cannot explain (a word it has never seen, nor anything one
        letter away, nor a start of 6 letters or more). Cached per word."""
        cached = self._word_cache.get(word)
        if cached is not None:
            return cached
        own = word_features(word)
        out = {f: w for f, w in own if f in self.idf}
        explained = any(f[0] == "w" or len(f) >= 8 for f in out)  # "p:" + 6 letters
        if not explained and STEM_MIN:
            # A known short word with an ending ("офис" + "тер" + "іңіз"): the word the
            # catalogue knows is what it is, the ending adds nothing unknown.
            for n in range(min(len(word) - 1, START), STEM_MIN - 1, -1):
                if word[:n] in self.vocabulary:
                    explained = True
                    for f, w in word_features(word[:n]):
                        if f in self.idf and out.get(f, 0.0) < w * STEM_WEIGHT:
                            out[f] = w * STEM_WEIGHT
                    break
        if not explained:
            for fixed in self.corrections(word):
                explained = True
                for f, w in word_features(fixed):
                    if f in self.idf and out.get(f, 0.0) < w * FUZZY_WEIGHT:
                        out[f] = w * FUZZY_WEIGHT
        if not explained:
            share = FUZZY_WEIGHT / math.sqrt(len(own))
            for start in self.start_corrections(word):
                explained = True
                for f in ("p:" + start[:n] for n in PREFIX_LENGTHS if n <= START):
                    if f in self.idf and out.get(f, 0.0) < share:
                        out[f] = share
        if not explained:
            # Two words typed as one ("жасылел", "мекенжай" for "мекен жай"): the first
            # split into two vocabulary words of three letters or more (a two-letter tail is
            # a Kazakh ending: "жазып" is not "жаз" + "ИП").
            for i in range(3, len(word) - 2):
                left, right = word[:i], word[i:]
                if left in self.vocabulary and right in self.vocabulary:
                    explained = True
                    for part in (left, right):
                        for f, w in word_features(part):
                            if f in self.idf:
                                out[f] = max(out.get(f, 0.0), w * SPLIT_WEIGHT)
                    break
        unseen = 0.0 if explained else sum(w * w for f, w in own if f not in self.idf)
        result = (tuple(out.items()), unseen * self.idf_unseen**2)
        if len(self._word_cache) < 50_000:
            self._word_cache[word] = result
        return result

    def query_vector(self, tokens: list[str]) -> tuple[dict[str, float], float]:
        """The question's known features with their weights, and the squared weight of the
        wording the catalogue does not know (counted against every topic)."""
        vector: dict[str, float] = defaultdict(float)
        unseen = 0.0
        idf = self.idf
        previous = ""
        for word in content_words(tokens):
            if not word:
                previous = ""
                continue
            feats, missing = self._word(word)
            unseen += missing
            for f, w in feats:
                vector[f] += w * idf[f]
            if previous:
                # One word typed as two ("мекен жайы" for "мекенжайы"): the pair joined,
                # when the catalogue knows it, counts as one more word.
                joined = _REPEATS.sub(r"\1", previous + word)
                if "w:" + joined in idf or (
                    len(joined) >= PREFIX_MAX and "p:" + joined[:PREFIX_MAX] in idf
                ):
                    for f, w in word_features(joined):
                        if f in idf:
                            vector[f] += w * idf[f]
            previous = word
        return vector, unseen

    def is_crisis(self, text: str) -> bool:
        """Whether the message says someone is in danger (see `crisis.py`)."""
        return self.detector.detect(text) is not None

    def crisis(self, text: str) -> Verdict | None:
        return self.detector.detect(text)

    def score(self, text: str) -> list[Match]:
        """Best passage per topic, best topic first."""
        return self._score(words(text))

    def _score(self, tokens: list[str]) -> list[Match]:
        q_vec, unseen = self.query_vector(tokens)
        if not q_vec:
            return []
        q_norm = math.sqrt(sum(v * v for v in q_vec.values()) + UNSEEN * unseen) or 1.0
        feature_ids = self.feature_ids
        rows = np.array([feature_ids[f] for f in q_vec], dtype=np.intp)
        q_values = np.array(list(q_vec.values()), dtype=np.float64)
        # In a long question one short passage found whole ("в армию" in a life story) says
        # less than which topic explains most of it: coverage counts more as it grows.
        content = [word for word in content_words(tokens) if word]
        cover_weight = min(COVER_MAX, COVER + COVER_GROWTH * max(0, len(content) - COVER_FROM))
        # How much of the question each topic's features hold: a topic that holds none of
        # them (its cover 0.0; every weight and feature value is positive) gets no entry in
        # the ranking.
        weights = self.topic_weights[rows]
        cover = ((q_values * q_values)[:, None] * weights).sum(axis=0)
        share = self._shares(content, cover, q_norm * q_norm)
        topic_ids, passages = self.topic_ids, self.passages
        ranked: list[Match] = []
        touched_topics = np.zeros(len(topic_ids), dtype=bool)
        best = self._best(rows, q_values, 1 / q_norm)
        if best is not None:
            topics, b0, b2, b3, best_passages = best
            touched_topics[topics] = True
            topic_share = share[topics]
            # A topic's 2nd and 3rd best passages support its best; the out-of-scope subjects
            # are unrelated to each other ("пенсия", "кино"), so there they add nothing.
            support = np.where(topics == self.offtopic_number, 0.0, SUPPORT)
            scores = (1 - cover_weight) * (b0 + (b2 + b3) * support) + cover_weight * topic_share
            ranked.extend(
                Match(topic_ids[t], score, passages[index], explained)
                for t, score, index, explained in zip(
                    topics.tolist(),
                    scores.tolist(),
                    best_passages.tolist(),
                    topic_share.tolist(),
                    strict=True,
                )
            )
        # A topic found only through its texts, or only through words of no scored passage:
        # its coverage alone, in the order the question's features met the topics.
        rest = np.flatnonzero((cover > 0.0) & ~touched_topics)
        if len(rest):
            first_row = (weights[:, rest] > 0.0).argmax(axis=0)
            met = first_row * len(topic_ids) + self.topic_order[rows[first_row], rest]
            rest = rest[np.argsort(met, kind="stable")]
            ranked.extend(
                Match(
                    topic_ids[t],
                    cover_weight * explained,
                    self.first_passage[topic_ids[t]],
                    explained,
                )
                for t, explained in zip(rest.tolist(), share[rest].tolist(), strict=True)
            )
        ranked.sort(key=lambda m: m.score, reverse=True)
        return ranked

    def _best(
        self, rows: NDArray[np.intp], q_values: NDArray[np.float64], q_inverse: float
    ) -> (
        tuple[
            NDArray[np.intp],
            NDArray[np.float64],
            NDArray[np.float64],
            NDArray[np.float64],
            NDArray[np.intp],
        ]
        | None
    ):
        """Score each passage the question touches: its cosine with the question or, for a
        short passage, how much of it the question holds. Returns the topics with a touched
        passage, in the order the question met them, with each topic's best score, its next
        two (0.0 if none), and its best passage; None when no passage is touched."""
        # The postings of the question's features, one feature after the other (the order
        # the old loop walked them: ties are settled in the order passages were met).
        starts = self.post_starts[rows]
        lengths = self.post_starts[rows + 1] - starts
        ends = np.cumsum(lengths)
        n_entries = int(ends[-1])
        if not n_entries:
            return None
        entries = np.arange(n_entries) + np.repeat(starts - (ends - lengths), lengths)
        hit = self.post_passages[entries]
        n = len(self.passages)
        dots = np.bincount(hit, np.repeat(q_values, lengths) * self.post_values[entries], n)
        covered = np.bincount(hit, self.post_squares[entries], n)
        # The passages touched, in the order met: each at its first entry.
        first = np.full(n, n_entries, dtype=np.intp)
        positions = np.arange(n_entries, dtype=np.intp)
        np.minimum.at(first, hit, positions)
        touched = hit[first[hit] == positions]
        score = dots[touched] * self.inverse_norms[touched] * q_inverse
        contained = covered[touched] * self.contain_factors[touched]
        score = np.where(contained > score, contained, score) * self.kind_weights[touched]
        # The variants of one FAQ item are one piece of evidence: its best variant counts
        # (the first met of equals), so a topic written with more paraphrases of a question
        # gets no more support. Per group id: its first passage met, best score, best passage.
        groups = self.groups[touched]
        met = np.arange(len(touched), dtype=np.intp)
        group_first = np.full(self.group_count, len(touched), dtype=np.intp)
        np.minimum.at(group_first, groups, met)
        group_max = np.zeros(self.group_count)
        np.maximum.at(group_max, groups, score)
        group_best = np.full(self.group_count, len(touched), dtype=np.intp)
        np.minimum.at(group_best, groups, np.where(score == group_max[groups], met, len(touched)))
        # The groups in the order met, then each topic's groups best first (the first met of
        # equals), as the old loop kept them: the topic's best, with its passage, and next two.
        heads = np.flatnonzero(group_first[groups] == met)
        group_ids = groups[heads]
        group_score = group_max[group_ids]
        group_topic = self.passage_topics[touched[heads]]
        order = np.argsort(-group_score, kind="stable")
        order = order[np.argsort(group_topic[order], kind="stable")]
        heads = _heads(group_topic[order])
        tails = np.append(heads[1:], len(order))
        ranked_scores = np.append(group_score[order], (0.0, 0.0))
        b0 = ranked_scores[heads]
        b2 = np.where(heads + 1 < tails, ranked_scores[heads + 1], 0.0)
        b3 = np.where(heads + 2 < tails, ranked_scores[heads + 2], 0.0)
        topics = group_topic[order[heads]]
        best_passages = touched[group_best[group_ids[order[heads]]]]
        # The topics in the order met (their first group).
        by_met = np.argsort(np.minimum.reduceat(order, heads), kind="stable")
        return (
            topics[by_met],
            b0[by_met],
            b2[by_met],
            b3[by_met],
            best_passages[by_met],
        )

    def _shares(
        self, content: list[str], cover: NDArray[np.float64], q_mass: float
    ) -> NDArray[np.float64]:
        """How much of the question each topic explains (by topic number): its share of the
        question's weight (`cover`, where one rare word, "зп", can outweigh four others)
        mixed with the share of the question's words it explains, each word counting alike
        (a generic one less)."""
        shares: NDArray[np.float64] = (1 - WORD_COVER) * cover / q_mass
        if not WORD_COVER:
            return shares
        rows: list[int] = []
        parts: list[float] = []
        masses: list[float] = []
        total = 0.0
        for word in content:
            weight, word_rows, word_parts, word_masses = self._word_share(word)
            total += weight
            rows.extend(word_rows)
            parts.extend(word_parts)
            masses.extend(word_masses)
        if rows:
            explained = np.array(parts)[:, None] * self.topic_weights[rows]
            per_word = (explained / np.array(masses)[:, None]).sum(axis=0)
            shares = shares + WORD_COVER * per_word / total
        return shares

    def _word_share(
        self, word: str
    ) -> tuple[float, tuple[int, ...], tuple[float, ...], tuple[float, ...]]:
        """What one question word adds to the topics' shares: its weight (a generic word
        less), and per feature it holds, the feature's row, its part of the word's weight and
        the word's squared weight, the part's divisor. Cached per word."""
        cached = self._share_cache.get(word)
        if cached is not None:
            return cached
        feats, missing = self._word(word)
        weight = GENERIC_WEIGHT**2 if _is_generic(word) else 1.0
        masses = [(f, (w * self.idf[f]) ** 2) for f, w in feats]
        # A word the catalogue does not know stays mostly unexplained, though its first
        # letters are known ("бол…" does not explain "болшое").
        mass = sum(m for _, m in masses) + missing
        result: tuple[float, tuple[int, ...], tuple[float, ...], tuple[float, ...]] = (
            (
                weight,
                tuple(self.feature_ids[f] for f, _ in masses),
                tuple(weight * m for _, m in masses),
                (mass,) * len(masses),
            )
            if mass
            else (weight, (), (), ())
        )
        if len(self._share_cache) < 50_000:
            self._share_cache[word] = result
        return result

    def search(self, text: str) -> SearchResult:
        tokens = words(text)  # folded once; scoring, crisis check and the log all use it
        ranked = self._score(tokens)
        result = SearchResult(
            query=text, normalised=" ".join(tokens), topic=None, score=0.0, ranked=ranked
        )
        verdict = self.detector.detect(text)
        if verdict is not None:
            result.crisis = True
            result.crisis_category = verdict.category
            result.normalised = ""  # the words of a crisis message are never kept
            result.confident = True
            result.topic = CRISIS_TOPIC
            result.score = 1.0
            result.best = next((m for m in ranked if m.topic_id == CRISIS_TOPIC), None)
            return result
        if not ranked:
            return result
        words_only = self._decide_by_words(result, ranked)
        if self.model is None or (words_only.confident and words_only.score >= WORDS_SURE):
            # The catalogue's own wording matched nearly whole needs no model, and overrides
            # it: an FAQ item an editor has just added answers its question at once.
            return words_only
        return self._decide(result, ranked, self.model.probabilities(tokens), words_only)

    def _decide_by_words(self, result: SearchResult, ranked: list[Match]) -> SearchResult:
        """The word engine's answer alone (a copy of `result`, filled in)."""
        th = self.thresholds
        result = replace(result)
        top = ranked[0]
        result.score = round(top.score, 4)
        if top.topic_id == OFFTOPIC or top.score < th.reject:
            return result
        off = next((m.score for m in ranked[1:] if m.topic_id == OFFTOPIC), 0.0)
        if top.score - off < th.offtopic_margin:
            return result
        result.topic = top.topic_id
        result.best = top
        runners = [m for m in ranked[1:] if m.topic_id != OFFTOPIC]
        # The margin is kept over the out-of-scope subjects too: a question nearly as close
        # to "bank card" as to student-discounts is not answered outright.
        second = ranked[1].score if len(ranked) > 1 else 0.0
        result.confident = (
            top.score >= th.confident
            and top.score - second >= th.margin
            and top.explained >= th.explained
        )
        if not result.confident:
            result.alternatives = [m.topic_id for m in runners[:2] if m.score >= th.alternative]
        return result

    def _decide(
        self,
        result: SearchResult,
        ranked: list[Match],
        probabilities: dict[str, float],
        words_only: SearchResult,
    ) -> SearchResult:
        """The word engine's score of each topic plus MODEL_WEIGHT times the model's
        probability; out of scope ("_offtopic") competes like a topic. Answered outright when
        the model gives the chosen topic at least `model_confident`, unless the word engine
        alone would have answered outright with another topic (`words_only`)."""
        th = self.thresholds
        matches = {match.topic_id: match for match in ranked}  # one per topic (`_score`)
        mixed = {topic_id: match.score for topic_id, match in matches.items()}
        for topic_id, p in probabilities.items():
            if topic_id == OFFTOPIC or topic_id in self.catalog.topics:
                mixed[topic_id] = mixed.get(topic_id, 0.0) + MODEL_WEIGHT * p
        order = sorted(mixed, key=mixed.__getitem__, reverse=True)
        top = order[0]
        result.score = round(mixed[top], 4)
        if top == OFFTOPIC or mixed[top] < th.reject:
            return result
        result.topic = top
        result.best = matches.get(top) or Match(top, 0.0, self.first_passage[top])
        # Not outright when the word engine alone would answer outright with another topic
        # (--cv: confidently wrong 0.35% -> 0.17%, answered outright 86.9% -> 86.7%).
        result.confident = probabilities.get(top, 0.0) >= th.model_confident and (
            not words_only.confident or words_only.topic == top
        )
        if not result.confident:
            result.alternatives = [
                t for t in order[1:] if t != OFFTOPIC and mixed[t] >= th.alternative
            ][:2]
        return result


def _passages(catalog: Catalog, offtopic: list[str]) -> list[Passage]:
    out: list[Passage] = []
    for topic in catalog.topics.values():
        for lang in LANGUAGES:
            text = topic.text(lang)
            out.append(Passage(topic.id, "title", lang, text.title))
            out.append(Passage(topic.id, "summary", lang, text.summary))
            out.extend(Passage(topic.id, "keyword", lang, k) for k in text.keywords)
            for item in text.faq:
                out.extend(Passage(topic.id, "faq", lang, q, item.answer) for q in item.questions)
            for sentence in _sentences(text.text):
                out.append(Passage(topic.id, "text", lang, sentence))
    out.extend(Passage(OFFTOPIC, "offtopic", None, phrase) for phrase in offtopic)
    return out


_DETECTOR: CrisisDetector | None = None


def shared_detector() -> CrisisDetector:
    """One detector per process: its lexicon is code, not content, so a reload keeps it."""
    global _DETECTOR
    if _DETECTOR is None:
        _DETECTOR = CrisisDetector()
    return _DETECTOR


def _unique(passages: list[Passage]) -> list[Passage]:
    """One passage per topic and folded text: the same words as a keyword, an FAQ variant
    and in the other language's list are one piece of evidence, not three. FAQ questions
    are kept first (they carry an answer), then titles, keywords, summaries, sentences."""
    order = {"faq": 0, "title": 1, "keyword": 2, "summary": 3, "text": 4, "offtopic": 5}
    seen: set[tuple[str, str]] = set()
    out: list[Passage] = []
    for passage in sorted(passages, key=lambda p: order[p.kind]):
        key = (passage.topic_id, normalise(passage.text))
        if key not in seen:
            seen.add(key)
            out.append(passage)
    return out


def _heads(values: NDArray[np.intp]) -> NDArray[np.intp]:
    """Where each run of equal values of a sorted array starts."""
    return np.flatnonzero(np.append(True, values[1:] != values[:-1]))


def _sentences(text: str) -> list[str]:
    parts = []
    for line in text.splitlines():
        if FILL.search(line):
            continue
        for sentence in line.replace("!", ".").replace("?", ".").split(". "):
            if len(sentence.split()) >= 3:
                parts.append(sentence)
    return parts
