"""The answer engine on its own: normalisation, transliteration, crisis, out of scope."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.catalog.loader import load_catalog
from bot.catalog.normalize import normalise, words
from bot.catalog.search import SearchIndex, content_words

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(load_catalog(ROOT / "content"))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("жұмыс", "jumys"),
        ("жұмыс", "zhumys"),
        ("жұмыс", "jūmys"),
        ("жұмыс", "жумыс"),
        ("Қазақстан", "qazaqstan"),
        ("шағын", "shagyn"),
        ("ёлка", "елка"),
        ("суицид", "suicid"),
        ("центр", "tsentr"),
        ("NEET", "неет"),
        ("neet", "нит"),
    ],
)
def test_spellings_fold_together(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)


def test_neet_does_not_fold_to_no() -> None:
    assert normalise("neet") != normalise("нет")


def test_doubled_digits_keep_their_value() -> None:
    """Letters typed twice collapse; numbers do not: 111 is a helpline, 22 an age."""
    assert words("классс 111 мне 22, 2000 ₸") == ["клас", "111", "мне", "22", "2000"]


def test_an_apostrophe_inside_a_word_does_not_split_it() -> None:
    """Uzbek Latin "o'qish" (study) is one word, not "o" and "qish" (winter)."""
    assert len(words("o'qish yo‘q")) == 2
    assert words("o'qish") == words("oqish")


def test_content_words_drop_stopwords_and_greetings_and_undo_voicing() -> None:
    assert content_words(words("добрый вечер")) == [None, None]
    assert content_words(words("мен жұмыс")) == [None, "жумис"]
    # Kazakh stem-final б/п, г/к alternate before a vowel: one spelling for both.
    table = dict(
        zip(
            ["табу", "тапқым", "тілегі", "тілек"],
            content_words(words("табу тапқым тілегі тілек")),
            strict=True,
        )
    )
    assert table["табу"][:3] == table["тапқым"][:3] == "тап"
    assert table["тілегі"][:5] == table["тілек"] == "тилек"


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("NEET деген кімдер", "neet"),
        ("жастар практикасы қанша ай", "youth-practice"),
        ("грант на бизнес для молодежи", "entrepreneurship"),
        ("волонтер болғым келеді", "volunteering"),
    ],
)
def test_clear_questions_find_their_topic(index: SearchIndex, question: str, topic: str) -> None:
    assert index.search(question).topic == topic


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("прктика для выпускников", "youth-practice"),  # a letter missing
        ("ваканисии", "employment"),  # a letter too many
        ("контрат поколений", "generations-contract"),  # a letter missing, Russian
        ("опертормен сөйлесу", "contacts"),  # a typo inside an inflected word
        ("жасылел", "zhasyl-el"),  # two words run together
        ("баскарманын мекен жайы", "contacts"),  # one word typed as two
        ("нко", "ngo"),
        ("зож", "healthy-lifestyle"),  # short words count like long ones
        ("неет", "neet"),
        ("qoǵamdyq uiym", "ngo"),
        ("телефон доверия номер", "psych-support"),
    ],
)
def test_typos_inflections_and_short_words(index: SearchIndex, question: str, topic: str) -> None:
    assert index.search(question).topic == topic


def test_a_typo_is_never_the_ending_of_a_word(index: SearchIndex) -> None:
    """An extra last letter is an inflection, not a typo: "писать" must not become "пицца"
    (folded "писа", an out-of-scope phrase), while a letter too many inside still is."""
    assert "писа" not in index.corrections("писат")
    assert index.search("ваканисии").topic == "employment"


def test_a_kazakh_converb_is_not_split_into_two_words(index: SearchIndex) -> None:
    """The converb "жазып" is "writing", not "жаз" + "ИП" (the entrepreneurship keyword)."""
    ranked = index.search("мекенжайды жазып жібересіз бе").ranked
    assert ranked[0].topic_id == "contacts"
    assert "entrepreneurship" not in [m.topic_id for m in ranked[:3]]


def test_how_to_apply_does_not_outweigh_the_subject(index: SearchIndex) -> None:
    """The FAQ item "как подать заявку" is in several topics: matched whole, it must not
    bring them near the topic the question is about."""
    result = index.search("общага для первокурсника как подать заявку")
    assert result.topic == "dormitory" and result.confident
    assert result.ranked[1].score < 0.5 * result.ranked[0].score


@pytest.mark.parametrize("question", ["какие документы нужны", "17 жастамын", "қандай құжат керек"])
def test_generic_words_alone_are_not_answered_outright(index: SearchIndex, question: str) -> None:
    """Documents, how to apply, an age: FAQ items of several topics are made of these words;
    matched alone they choose no topic, and they count for less than a subject."""
    result = index.search(question)
    assert not result.confident
    with_subject = index.search(question + " для молодежной практики")
    assert with_subject.topic == "youth-practice" and with_subject.confident
    assert with_subject.score > result.score


def test_a_known_word_with_a_long_ending_is_that_word(index: SearchIndex) -> None:
    """A Kazakh ending chain on a known word ("әскер" + "лерімізге") is not unknown wording
    counted against every topic."""
    (word,) = [w for w in content_words(words("әскерлерімізге")) if w]
    features, unseen = index._word(word)
    assert unseen == 0 and ("w:аскер", 0.8 * dict(index._word("аскер")[0])["w:аскер"]) in features
    assert index.search("әскерлерімізге қалай барамыз").topic == "military"


def test_one_rare_word_does_not_outweigh_the_rest_of_the_question(index: SearchIndex) -> None:
    """Coverage counts words alike as well as by weight: "зарплата" (legal-help's unpaid
    wages) does not explain a question whose other words are about youth practice."""
    result = index.search("после колледжа есть практика с зарплатой от государства")
    assert result.topic == "youth-practice" and result.confident
    shares = {m.topic_id: m.explained for m in result.ranked}
    assert shares["youth-practice"] > shares["legal-help"]


@pytest.mark.parametrize(
    "question",
    [
        "погода в шымкенте",
        "реши пример по математике",
        "сәлем",
        "курс доллара на сегодня",
        "добрый вечер",
        "салам алейкум",
        "спасибо большое",
        "ставка налога для ИП",
        "ертең жаңбыр жауа ма",
        "кто выиграл матч",
        "???",
        "лол",
    ],
)
def test_out_of_scope_is_rejected(index: SearchIndex, question: str) -> None:
    result = index.search(question)
    assert result.topic is None and not result.crisis


@pytest.mark.parametrize(
    "question",
    [
        "суицид",
        "хочу умереть",
        "ставки долги не знаю что делать",
        "мені үйде ұрады",
        "omir surgim kelmeidi",
        "suicid oilap jurmin",
        "нас бьёт отчим",
        "отчим бьёт нас",
        "stavka qaryz 300k",
        "mne nadoelo zhit",
        "өмірімнің мәні жоқ",
    ],
)
def test_crisis_is_flagged(index: SearchIndex, question: str) -> None:
    result = index.search(question)
    assert result.crisis and result.topic == "psych-support"


@pytest.mark.parametrize(
    "question",
    [
        "психолог керек",
        "ставка налога для ИП",
        "процентная ставка по кредиту",
        "бьюти блогер",
        "травить байки",
        "ішімдіктің зияны туралы іс шара",
        "ставлю на зарядку телефон",
        "жители шымкента устали от пробок",
        "в чем смысл жизни",
        "ата-анам ұрысады",
        "бюджет управления",
        "отчим",
        "бьёт",
    ],
)
def test_everyday_wording_is_not_crisis(index: SearchIndex, question: str) -> None:
    assert not index.is_crisis(question)


def test_no_catalogue_question_outside_psych_support_is_crisis(index: SearchIndex) -> None:
    flagged = [
        p.text
        for p in index.passages
        if p.kind in ("faq", "keyword", "title")
        and p.topic_id != "psych-support"
        and index.is_crisis(p.text)
    ]
    assert flagged == []


@pytest.mark.parametrize("name", ["questions_holdout.jsonl", "questions_holdout2.jsonl"])
def test_holdout_questions_stay_answered(index: SearchIndex, name: str) -> None:
    """A floor under the benchmark (bench/answers.py) on the committed holdout sets: most
    questions find their topic, every crisis is flagged and nothing else is."""
    rows = [
        json.loads(line)
        for line in (ROOT / "tests" / "data" / name).read_text(encoding="utf-8").splitlines()
    ]
    results = [(row, index.search(row["text"])) for row in rows]
    right = sum(result.topic == row["topic"] for row, result in results)
    assert right / len(rows) >= 0.9
    assert all(result.crisis == row["crisis"] for row, result in results)


def test_ask_cli_json_and_stdin() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CONTENT_DIR": str(ROOT / "content")}
    one = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "zhasyl el deген не", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=ROOT,
    )
    data = json.loads(one.stdout)
    assert set(data) == {
        "topic",
        "language",
        "score",
        "alternatives",
        "crisis",
        "crisis_category",
        "answer",
    }
    assert data["topic"] == "zhasyl-el" and data["answer"]
    many = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "-", "--json", "--lang", "ru"],
        input="погода\nне хочу жить\nYoshlar uchun ish bormi\nжұмыс керек\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=ROOT,
    )
    lines = [json.loads(line) for line in many.stdout.splitlines()]
    assert [x["topic"] for x in lines[:2]] == [None, "psych-support"]
    assert lines[1]["crisis"] is True and "112" in lines[1]["answer"]
    assert [x["language"] for x in lines] == ["ru", "ru", "uz", "kk"]
    assert lines[2]["answer"].startswith("🇺🇿 Пока я понимаю только казахский и русский")
