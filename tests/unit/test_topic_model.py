"""The topic model (`bot/catalog/topic_model.py`) and how the search uses it."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest

from bot.catalog.loader import Catalog, load_catalog
from bot.catalog.normalize import words
from bot.catalog.search import OFFTOPIC, SearchIndex
from bot.catalog.topic_model import TopicModel, shared_model

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(ROOT / "content")


@pytest.fixture(scope="module")
def model() -> TopicModel:
    found = shared_model()
    assert found is not None, "bot/catalog/topic_weights.json.gz is missing"
    return found


def test_the_model_was_trained_on_the_data_as_it_is_now(model: TopicModel) -> None:
    """Editing a question set without running bench/train_topics.py fails here, and no
    held-out set may be among the training data."""
    sys.path.insert(0, str(ROOT / "bench"))
    from train_topics import TRAINING, digest

    assert model.meta["trained_on"] == list(TRAINING)
    assert not any("holdout" in name for name in TRAINING)
    assert digest(TRAINING) == model.meta["data_sha256"], "run: python bench/train_topics.py"


def test_it_knows_every_topic_of_the_catalogue(model: TopicModel, catalog: Catalog) -> None:
    assert set(catalog.topics) | {OFFTOPIC} == set(model.classes)


def test_probabilities_are_a_distribution(model: TopicModel) -> None:
    for text in ("жұмыс керек", "", "!!!", "a" * 5000, "Nima qilay, ish yo'q"):
        p = model.probabilities(words(text))
        assert p == {} or abs(sum(p.values()) - 1) < 1e-9


def test_a_catalogue_the_model_was_not_trained_for_is_answered_by_words_alone(
    catalog: Catalog,
) -> None:
    other = copy.copy(catalog)
    other.topics = {
        f"t{i}": topic.model_copy(update={"id": f"t{i}"})
        for i, topic in enumerate(catalog.topics.values())
    }
    index = SearchIndex(other)
    assert index.model is None
    assert index.search("жасыл ел жобасы").topic is not None  # found by its words
    assert SearchIndex(catalog).model is not None


def test_a_topic_taken_out_of_the_catalogue_is_never_answered(catalog: Catalog) -> None:
    """The model still has a class for it; the search must not answer with it."""
    smaller = copy.copy(catalog)
    smaller.topics = {k: v for k, v in catalog.topics.items() if k != "military"}
    index = SearchIndex(smaller)
    assert index.model is not None
    for text in ("армияға қашан шақырады", "отсрочка от армии для студентов", "военкомат"):
        assert index.search(text).topic != "military"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        # Written for this test: situations described, not programmes named.
        ("кызым 18де, окуга да туспеди жумыс та истемейди, уйден шыкпайды", "neet"),
        ("брат после колонии не может никуда устроиться, есть ли поддержка", "zhana-omir"),
        ("менің бизнес идеям бар, бастауға ақша жоқ, мемлекет көмектесе ме", "entrepreneurship"),
    ],
)
def test_situations_find_their_topic(catalog: Catalog, text: str, topic: str) -> None:
    assert SearchIndex(catalog).search(text).topic == topic
