"""The crisis detector on its own: categories, figurative use, scripts, the dev sets, and a
model that matches the data it was trained on."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bot.catalog import crisis_lexicon, crisis_weights
from bot.catalog.crisis import CrisisDetector

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="module")
def detector() -> CrisisDetector:
    return CrisisDetector()


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # Written for this test, in the ways the sets do not use word for word.
        ("қазір бәрін тоқтатып, өзімді өлтіремін", "suicidal"),
        ("ozimdi oltiremin endi", "suicidal"),
        ("озимди олтиргим келеди", "suicidal"),
        ("o'zimni o'ldiraman", "suicidal"),  # Uzbek, Latin letters
        ("всем будет легче без меня", "passive"),
        ("таблетки накопила, выпью все сегодня", "plan_means"),
        ("режу себе руки лезвием", "self_harm"),
        ("братишка пишет что хочет умереть", "third_person"),
        ("отчим меня избивает", "abuse"),
        ("туыстарым мені еркімнен тыс күйеуге бермек", "abuse"),
        ("бейтаныс ағай жалаңаш сурет жібер дейді", "minor_online"),
        ("мені үйден қуып шықты, түнейтін жерім жоқ", "minor_home"),
        ("ákem meni úıden qýyp shyqty, 15 jastamyn", "minor_home"),  # 2018 Latin letters
        ("тренер в раздевалке трогает меня, я боюсь ему сказать", "abuse"),
        ("я снова порезалась, пластыри закончились", "self_harm"),
        ("проиграл всю зарплату на ставках, долги, не могу остановиться", "addiction"),
    ],
)
def test_each_kind_of_danger_is_named(detector: CrisisDetector, text: str, category: str) -> None:
    verdict = detector.detect(text)
    assert verdict is not None and verdict.category == category, verdict


@pytest.mark.parametrize(
    "text",
    [
        "умер со смеху с этого видео 😂",
        "күлкіден өліп қалдым",
        "эссе на тему профилактики суицида, где взять статистику",
        "какое наказание за похищение невесты по закону",
        "ставки на спорт с какого возраста законно",
        "порезала палец когда резала лук, что приложить",
        "физика мені ертең өлтіреді",
        "процентная ставка по кредиту",
        "в чем смысл жизни",
        "отчим",
        "где находится психолог в ресурсном центре, это бесплатно?",
    ],
)
def test_the_same_words_in_everyday_use_are_not_a_crisis(
    detector: CrisisDetector, text: str
) -> None:
    assert detector.detect(text) is None


def test_a_rule_that_names_an_unknown_concept_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown concepts"):
        CrisisDetector(rules=[("broken", "suicidal", "no_such_concept ~3")])


def test_signals_and_context_name_real_concepts() -> None:
    known = set(crisis_lexicon.CONCEPTS)
    assert set(crisis_lexicon.SIGNALS) <= known
    assert set(crisis_lexicon.CONTEXT) <= known


def test_the_model_was_trained_on_the_data_as_it_is_now() -> None:
    """Editing a training set without running bench/train_crisis.py fails here."""
    sys.path.insert(0, str(ROOT / "bench"))
    from train_crisis import TRAINING, digest

    assert crisis_weights.TRAINED_ON == TRAINING
    assert "crisis_holdout.jsonl" not in TRAINING
    assert digest(TRAINING) == crisis_weights.DATA_SHA256, "run: python bench/train_crisis.py"


def test_the_dev_sets_meet_the_targets(detector: CrisisDetector) -> None:
    """A guard against a lexicon edit that breaks what was reached (the held-out set is
    measured by bench/answers.py, never here)."""
    sets = (
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
    )
    rows = [
        json.loads(line)
        for name in sets
        for line in (DATA / name).read_text("utf-8").splitlines()
        if line.strip()
    ]
    distress = [r for r in rows if r["crisis"]]
    harmless = [r for r in rows if not r["crisis"]]
    missed = [r["text"] for r in distress if detector.detect(r["text"]) is None]
    alarms = [r["text"] for r in harmless if detector.detect(r["text"]) is not None]
    plans = [
        r["text"]
        for r in distress
        if r["category"] == "plan_means" and detector.detect(r["text"]) is None
    ]
    assert len(missed) <= 0.02 * len(distress), missed
    assert plans == []
    assert len(alarms) <= 0.03 * len(harmless), alarms
