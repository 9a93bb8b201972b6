"""Text normalisation for matching: one spelling for Kazakh and Russian, Cyrillic or Latin.

Young people write "жұмыс", "жумыс", "jumys", "zhumys" and "jūmys" for the same word. We map
Latin letters (the 2021 Kazakh alphabet and informal transliteration) to Cyrillic, then fold
the letters that are typed interchangeably (ә/а, қ/к, ұ/ү/у, і/ы/и, ң/н, ғ/г, ё/е, ь/ъ) into
one skeleton alphabet. Queries and content pass through the same function, so the folding
never has to be undone.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Longest first: digraphs of informal transliteration before single letters.
_LATIN_MULTI = (
    ("shch", "щ"),
    ("sch", "щ"),
    ("zh", "ж"),
    ("sh", "ш"),
    ("ch", "ч"),
    ("kh", "х"),
    ("ts", "ц"),
    ("ya", "я"),
    ("yu", "ю"),
    ("yo", "ё"),
    ("ye", "е"),
    ("gh", "ғ"),
)
_LATIN_SINGLE = {
    "a": "а",
    "ä": "ә",
    "á": "ә",
    "b": "б",
    "c": "с",
    "ç": "ч",
    "d": "д",
    "e": "е",
    "f": "ф",
    "g": "г",
    "ǵ": "ғ",
    "ğ": "ғ",
    "h": "х",
    "i": "і",
    "ı": "ы",
    "j": "ж",
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "ń": "ң",
    "ñ": "ң",
    "o": "о",
    "ö": "ө",
    "ó": "ө",
    "p": "п",
    "q": "қ",
    "r": "р",
    "s": "с",
    "ş": "ш",
    "t": "т",
    "u": "у",
    "ū": "ұ",
    "ü": "ү",
    "ú": "ү",
    "ý": "у",  # the 2018 Latin alphabet's short "у" (qýyp, aýyl)
    "v": "в",
    "w": "у",
    "x": "х",
    "y": "ы",
    "z": "з",
}
_FOLD = str.maketrans(
    {
        "ә": "а",
        "ө": "о",
        "қ": "к",
        "ұ": "у",
        "ү": "у",
        "і": "и",
        "ы": "и",
        "й": "и",
        "ң": "н",
        "ғ": "г",
        "һ": "х",
        "ё": "е",
        "э": "е",
        "щ": "ш",
        "ъ": None,
        "ь": None,
        # Latin "c" stands for "ц" as often as for "с" ("konsultaciya", "suicid"), and Kazakh
        # speech says "с" for "ц": one letter for both.
        "ц": "с",
        "ў": "у",
        "ҳ": "х",  # Uzbek Cyrillic
    }
)
# Whole words whose folding would lose them: "neet" and "неет" would fold to "нет" ("no").
_ALIASES = {"neet": "нит", "неет": "нит", "нит": "нит"}
_WORD = re.compile(r"[^\W_]+")
_LATIN_WORD = re.compile(r"[a-zäáçǵğıńñöóşūüúý]")
# Apostrophes inside a word belong to it: Uzbek "o'qish", "yo'q" and Kazakh Latin of 2017
# ("sa'lem") are one word each, not two ("o" + "qish", winter).
APOSTROPHES = re.compile(r"[’'ʻʼ`´‘]")
# Doubled letters, not digits: "111", "2000" and an age of 22 keep their value.
_REPEATS = re.compile(r"([^\W\d_])\1+")


def latin_to_cyrillic(word: str) -> str:
    """Transliterate one lower-case word written in Latin letters."""
    out = word
    for latin, cyr in _LATIN_MULTI:
        out = out.replace(latin, cyr)
    return "".join(_LATIN_SINGLE.get(ch, ch) for ch in out)


@lru_cache(maxsize=50_000)
def fold_word(word: str) -> str:
    """One word in the skeleton alphabet; doubled letters collapse ("класс" = "клас"),
    doubled digits do not ("111"). Remembered: a message is folded by the search, the crisis
    check and the events recogniser, and most words recur."""
    alias = _ALIASES.get(word)
    if alias is not None:
        return alias
    if _LATIN_WORD.search(word):
        word = latin_to_cyrillic(word)
    # "сч" sounds as "щ" and Latin "sch" may stand for either: fold both to "ш".
    return _REPEATS.sub(r"\1", word.translate(_FOLD).replace("сч", "ш"))


def words(text: str) -> list[str]:
    """Lower-case, folded words of a text; punctuation, emoji and case are dropped."""
    text = APOSTROPHES.sub("", unicodedata.normalize("NFC", text.lower()))
    return [fold_word(w) for w in _WORD.findall(text)]


def normalise(text: str) -> str:
    """The form stored in the question log and used for grouping: folded words joined."""
    return " ".join(words(text))
