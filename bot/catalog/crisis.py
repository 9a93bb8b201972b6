"""The crisis detector: does a message say that a young person (or someone near them) is in
danger, and of what kind?

Words are folded first (`normalize.words`: Kazakh and Russian, Cyrillic, Latin or typed on a
Russian keyboard all reach one spelling). Each folded word is then matched against concept
lexicons (`crisis_lexicon.CONCEPTS`): stems with the endings Kazakh and Russian put on them,
written as regular expressions over the folded word, so "өлгім", "olgim", "олгим келеди" and
"өлгісі келеді" are found without listing every form. A rule (`crisis_lexicon.RULES`) fires
when all of its concepts stand within a window of words, in any order: a wish and death, a
plan and the means, a cut and the body, a threat and a photo. One word alone is rarely enough.

Everyday language uses the same words ("умер со смеху", "өлдім күлкіден", "exam is killing
me", an essay on suicide prevention, a question about the law on bride kidnapping). Rules
marked `hedged` do not fire when the marks of such use (laughter, boredom, study, law, an
accident in the kitchen) stand within a few words of theirs; rules that name a plan, the
means or an act fire whatever surrounds them.

A rule about oneself in a message about a friend or a sibling is turned into `third_person`:
the answer is what to do for the friend.

What no rule names, a small model may still recognise (`crisis_weights.py`, a logistic
regression over letter runs of the folded words, trained by `bench/train_crisis.py` on the
dev sets): people word distress in more ways than any list holds. It is consulted only when
no rule fired, the message has none of the marks of figurative, study or legal use, and at
least one of its words speaks of danger.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Literal

from bot.catalog import crisis_lexicon as lexicon
from bot.catalog import crisis_weights as weights
from bot.catalog.normalize import fold_word, words

Category = Literal[
    "suicidal",
    "passive",
    "plan_means",
    "self_harm",
    "third_person",
    "abuse",
    "addiction",
    "minor_online",
    "minor_home",
]
# What a crisis is about for oneself: about a friend, these become `third_person`.
SELF_CATEGORIES = frozenset({"suicidal", "passive", "plan_means", "self_harm"})
# The model's probability above which a message no rule names is still a crisis: chosen on
# the dev sets, each model trained on one set and measured on the other (see the README).
MODEL_THRESHOLD = 0.6
# Without a word that speaks of danger the model must be far surer: a message can be a
# crisis in words no concept lists ("өгей шешем далаға шығарып жіберді"), and most messages
# that merely sound sad are not. Chosen by leaving one dev set's author out at a time.
MODEL_THRESHOLD_UNSIGNALLED = 0.95
# Words that make a message about someone's own life (the writer's or a person near them, a
# wish, a "not"): without a signal of danger, the model is asked only about such messages,
# not about "the meaning of life" in general.
PERSONAL = (
    *("me", "me_verb", "first_end", "possession", "other", "other_verb", "family", "victim"),
    *("wish_particle", "neg", "neg_kk"),
)
# Concepts that say a minor's danger is online rather than at home or on the street.
ONLINE_SIGNS = ("photo", "stranger", "leak", "task", "intimate", "request")
# Figurative, study, legal or accident words this close to a hedged rule's words silence it:
# a question about a programme does not hide a sentence of despair further on.
HEDGE_NEAR = 6
# When several rules fire, the answer follows the most urgent of them.
PRIORITY: tuple[Category, ...] = (
    "plan_means",
    "suicidal",
    "self_harm",
    "third_person",
    "minor_online",
    "abuse",
    "minor_home",
    "passive",
    "addiction",
)
Buckets = dict[str, list[tuple[str, re.Pattern[str]]]]
MultiBuckets = dict[str, list[tuple[str, tuple[re.Pattern[str], ...]]]]
WordEntries = tuple[tuple[str, ...], tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]]
WORD_CACHE = 20_000  # folded words whose concepts are remembered (a few MB at most)
# A hyphen joins two words ("ата-анаңа" is two words once folded), except in a [a-z] range.
_HYPHEN = re.compile(r"-(?![^\[]*\])")
# Emoji people use for the means or the act, read as words (words() drops emoji).
_EMOJI_WORDS = str.maketrans(
    {
        "💊": " таблетка ",
        "🔪": " нож ",
        "🩸": " кровь ",
        "🪢": " веревка ",
        "🎰": " казино ",
        "⚰": " смерть ",
        "🪦": " смерть ",
        "🔫": " пистолет ",
    }
)
# Laughter and mockery that words() drops with the emoji.
# (💀 and 🤦 too: "I'm dead", "facepalm" are how teenagers laugh at themselves.)
_LAUGH_EMOJI = re.compile(
    "[\U0001f602\U0001f923\U0001f606\U0001f605\U0001f639\U0001f480\U0001f926]"
)


@dataclass(frozen=True, slots=True)
class Verdict:
    """The category the answer follows and the rule that decided it (for the benchmark)."""

    category: Category
    rule: str


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str
    category: Category
    concepts: tuple[str, ...]
    window: int  # the concepts stand within this many words of each other (0: anywhere)
    hedged: bool  # does not fire in figurative, study, legal or accident context


_META = re.compile(r"[\\\[\](){}|?*+.^$]")


def _first_letter(pattern: str) -> str:
    """The literal first letter of a stem ("" when it starts with a regex construct)."""
    return "" if not pattern or _META.match(pattern) else pattern[0]


def _compile_concepts(concepts: Mapping[str, Iterable[str]]) -> tuple[Buckets, MultiBuckets]:
    """Stems grouped by their first letter, so that a word is tried only against the stems
    that can match it; multi-word entries likewise by the first letter of their first word."""
    single: Buckets = defaultdict(list)
    multi: MultiBuckets = defaultdict(list)
    for name, stems in concepts.items():
        for stem in stems:
            # Entries are written as people spell them; fold them as messages are folded.
            parts = [fold_word(part) for part in _HYPHEN.sub(" ", stem).split()]
            compiled = tuple(re.compile(p) for p in parts)
            if len(parts) == 1:
                single[_first_letter(parts[0])].append((name, compiled[0]))
            else:
                multi[_first_letter(parts[0])].append((name, compiled))
    return dict(single), dict(multi)


def _parse_rules(specs: Iterable[tuple[str, str, str]]) -> list[_Rule]:
    """`("name", "category", "want die ~3 hedged")`: concepts, then options."""
    rules = []
    for name, category, spec in specs:
        concepts, window, hedged = [], 0, False
        for part in spec.split():
            if part.startswith("~"):
                window = int(part[1:])
            elif part == "hedged":
                hedged = True
            else:
                concepts.append(part)
        rules.append(_Rule(name, category, tuple(concepts), window, hedged))  # type: ignore[arg-type]
    return rules


def probability(weights: dict[str, float], bias: float, feats: set[str]) -> float:
    """The logistic model's probability for a message's features."""
    z = bias + sum(weights.get(f, 0.0) for f in feats)
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def features(tokens: list[str]) -> set[str]:
    """What the model sees of a message: letter runs of 3–5 inside each folded word (so
    "шаршадым" and "шаршап" share "шарш"), each word whole, and pairs of word starts."""
    found: set[str] = set()
    for token in tokens:
        found |= _word_features(token)
    found.update(f"b:{a[:5]}_{b[:5]}" for a, b in pairwise(tokens))
    return found


@lru_cache(maxsize=50_000)
def _word_features(token: str) -> frozenset[str]:
    """One word's part of `features`; remembered, since most words recur (the crisis model
    and the topic model both read every message)."""
    word = f"#{token}#"
    runs = {word[i : i + n] for n in (3, 4, 5) for i in range(len(word) - n + 1)}
    return frozenset({*runs, "w:" + token})


def tokens_of(text: str) -> list[str]:
    """Folded words (apostrophes inside words dropped: Uzbek "o'lgim", "o'zimni"), with the
    emoji that stand for the means ("💊💊💊 жинадым") read as the words they show."""
    return words(text.translate(_EMOJI_WORDS))


class CrisisDetector:
    """Built once from the lexicon; `detect` is pure and fast (well under a millisecond)."""

    def __init__(
        self,
        concepts: Mapping[str, Iterable[str]] | None = None,
        rules: Iterable[tuple[str, str, str]] | None = None,
        threshold: float = MODEL_THRESHOLD,
    ) -> None:
        self.single, self.multi = _compile_concepts(concepts or lexicon.CONCEPTS)
        self.rules = _parse_rules(rules or lexicon.RULES)
        # Rules filed under their first concept: a message is checked only against the
        # rules whose first concept it holds (most messages hold a few of hundreds).
        self._rules_by_first: dict[str, list[int]] = defaultdict(list)
        for number, rule in enumerate(self.rules):
            self._rules_by_first[rule.concepts[0]].append(number)
        self._cache: dict[str, WordEntries] = {}
        self._last: tuple[str, Verdict | None] | None = None
        self.threshold = threshold
        known = {name for entries in self.single.values() for name, _ in entries}
        known |= {name for entries in self.multi.values() for name, _ in entries}
        for rule in self.rules:
            missing = [c for c in rule.concepts if c not in known]
            if missing:
                raise ValueError(f"crisis rule {rule.name}: unknown concepts {missing}")
        for name in lexicon.CONTEXT:
            if name not in known:
                raise ValueError(f"crisis context concept {name} is not defined")

    def hits(self, tokens: list[str]) -> dict[str, list[int]]:
        """Where each concept stands: concept name → word positions."""
        found: dict[str, list[int]] = {}
        for position, token in enumerate(tokens):
            names, phrases = self._word_entries(token)
            for name in names:
                found.setdefault(name, []).append(position)
            for name, rest in phrases:
                end = position + 1 + len(rest)
                if end <= len(tokens) and all(
                    p.match(tokens[position + 1 + i]) for i, p in enumerate(rest)
                ):
                    found.setdefault(name, []).append(position)
        return found

    def _word_entries(self, token: str) -> WordEntries:
        """The concepts one folded word belongs to, and the multi-word entries it may begin
        (with their remaining words); remembered, since most words recur."""
        cached = self._cache.get(token)
        if cached is None:
            key = token[:1]
            entries = (*self.single.get(key, ()), *self.single.get("", ()))
            names = tuple(dict.fromkeys(name for name, p in entries if p.match(token)))
            starts = (*self.multi.get(key, ()), *self.multi.get("", ()))
            phrases = tuple((name, phrase[1:]) for name, phrase in starts if phrase[0].match(token))
            cached = (names, phrases)
            if len(self._cache) >= WORD_CACHE:
                self._cache.clear()
            self._cache[token] = cached
        return cached

    def detect(self, text: str) -> Verdict | None:
        """The verdict on one message. The same message is asked about twice in a row (the
        crisis router's filter, then the free-text engine when it was not a crisis): the
        last answer is remembered."""
        last = self._last
        if last is not None and last[0] == text:
            return last[1]
        verdict = self._detect(text)
        self._last = (text, verdict)
        return verdict

    def _detect(self, text: str) -> Verdict | None:
        tokens = tokens_of(text)
        if not tokens:
            return None
        found = self.hits(tokens)
        if _LAUGH_EMOJI.search(text):  # laughter colours the whole message
            found.setdefault("figurative", []).extend(range(len(tokens)))
        context = (
            []
            if "first_strong" in found
            else [p for name in lexicon.CONTEXT for p in found.get(name, ())]
        )
        candidates = sorted(
            number for name in found for number in self._rules_by_first.get(name, ())
        )
        fired: list[_Rule] = [
            rule
            for rule in (self.rules[number] for number in candidates)
            if any(
                not (rule.hedged and _near(context, span, HEDGE_NEAR))
                for span in _matches(found, rule.concepts, rule.window)
            )
        ]
        if not fired:
            return self._model(tokens, found, context)
        # About someone else: a verb in the third person ("хочет", "өлгісі келеді"), or a
        # friend or a sibling named and nothing that says "I" (a pronoun, a first-person verb).
        me = "me" in found or "me_verb" in found or "first_end" in found
        about_other = "other_verb" in found or ("other" in found and not me)
        best: Verdict | None = None
        for rule in fired:
            category = rule.category
            if category in SELF_CATEGORIES and about_other and "first_strong" not in found:
                category = "third_person"
            verdict = Verdict(category, rule.name)
            if best is None or PRIORITY.index(category) < PRIORITY.index(best.category):
                best = verdict
        return best

    def _model(
        self, tokens: list[str], found: dict[str, list[int]], context: list[int]
    ) -> Verdict | None:
        """What no rule names, the model may still recognise: it was trained on messages
        worded in many more ways than the rules list. Consulted only outside figurative,
        study, legal and accident context, and for a message with at least one word that
        speaks of danger (`SIGNALS`); a message with none of them only when the model is far
        surer and no such context stands anywhere in it: elsewhere it would mostly raise
        false alarms."""
        if "figurative" in found:
            return None  # laughter anywhere: the model is not asked
        signals = [p for name in lexicon.SIGNALS for p in found.get(name, ())]
        if signals:
            if any(_near(context, [p], HEDGE_NEAR) for p in signals):
                return None
            threshold = self.threshold
        elif context or "programme" in found or not any(name in found for name in PERSONAL):
            # A question about a programme, a registration or homework that merely sounds
            # personal is the bot's everyday traffic: without a danger word, not a crisis.
            return None
        else:
            threshold = MODEL_THRESHOLD_UNSIGNALLED
        feats = features(tokens)
        if probability(weights.WEIGHTS, weights.BIAS, feats) < threshold:
            return None
        kind = max(weights.KINDS, key=lambda k: probability(*weights.KINDS[k], feats))
        if kind == "minor_danger":
            online = any(name in found for name in ONLINE_SIGNS)
            kind = "minor_online" if online else "minor_home"
        return Verdict(kind, "model")  # type: ignore[arg-type]


def _matches(
    found: dict[str, list[int]], concepts: tuple[str, ...], window: int
) -> Iterator[list[int]]:
    """The ways the concepts stand together: for each place of the first, the nearest place
    of each other (within `window` words of each other; `window` 0: anywhere)."""
    lists = []
    for concept in concepts:
        positions = found.get(concept)
        if not positions:
            return
        lists.append(positions)
    for anchor in lists[0]:
        chosen = [anchor]
        for positions in lists[1:]:
            near = [p for p in positions if not window or abs(p - anchor) <= window]
            if not near:
                break
            chosen.append(min(near, key=lambda p: abs(p - anchor)))
        else:
            if not window or max(chosen) - min(chosen) <= window:
                yield chosen


def _near(positions: list[int], span: list[int], distance: int) -> bool:
    low, high = min(span) - distance, max(span) + distance
    return any(low <= p <= high for p in positions)
