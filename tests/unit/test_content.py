"""The content store: the shipped catalogue is complete and consistent; broken files are named."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.catalog.loader import ContentError, check, load_catalog, numbers_in
from bot.catalog.models import REQUIRED_TOPIC_IDS, TopicText

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def test_shipped_content_has_no_errors_and_only_placeholder_warnings() -> None:
    """Placeholders may wait for an admin; so may topics still on the legacy `source` line
    (until they are moved to `checked` + `[[sources]]`). A topic with sources is clean."""
    report = check(CONTENT)
    assert report.errors == []
    legacy = {
        f"{t.id}.toml: checked, sources: missing"
        for t in report.topics
        if t.source and not t.sources and t.checked is None
    }
    others = [
        w
        for w in report.warnings
        if "admin-fill placeholder" not in w and not any(w.startswith(prefix) for prefix in legacy)
    ]
    assert others == []


def test_every_contract_topic_exists() -> None:
    catalog = load_catalog(CONTENT)
    assert set(REQUIRED_TOPIC_IDS) <= set(catalog.topics)


@pytest.mark.parametrize("topic_id", REQUIRED_TOPIC_IDS)
def test_both_languages_carry_the_same_fields_and_numbers(topic_id: str) -> None:
    topic = load_catalog(CONTENT).topics[topic_id]
    for name in TopicText.TEXT_FIELDS:
        assert bool(getattr(topic.kk, name)) == bool(getattr(topic.ru, name)), name
    kk = set().union(*(numbers_in(text) for _, text in topic.kk.strings()))
    ru = set().union(*(numbers_in(text) for _, text in topic.ru.strings()))
    assert kk == ru
    assert len(topic.kk.faq) == len(topic.ru.faq)


def test_psych_support_carries_the_helplines() -> None:
    topic = load_catalog(CONTENT).topics["psych-support"]
    for lang in (topic.kk, topic.ru):
        text = " ".join(t for _, t in lang.strings())
        for number in ("111", "150", "112"):
            assert number in text


def test_numbers_are_normalised() -> None:
    assert numbers_in("29 807 жас, 23,5 млн, 14–35") == {"29807", "23.5", "14", "35"}


def test_broken_toml_names_the_file(content_copy: Path) -> None:
    (content_copy / "topics" / "neet.toml").write_text('id = "neet"\ntitle = ', encoding="utf-8")
    report = check(content_copy)
    assert any(e.startswith("neet.toml: TOML syntax") for e in report.errors)


def test_missing_field_names_file_and_field(content_copy: Path) -> None:
    path = content_copy / "topics" / "zhasyl-el.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ncategory =", "\nsection ="), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_catalog(content_copy)
    joined = "\n".join(err.value.errors)
    assert "zhasyl-el.toml: category: Field required" in joined


def test_wrong_category_and_id_mismatch(content_copy: Path) -> None:
    topics = content_copy / "topics"
    shutil.copy(topics / "neet.toml", topics / "neet-copy.toml")
    path = topics / "employment.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('category = "work"', 'category = "jobs"'),
        encoding="utf-8",
    )
    errors = check(content_copy).errors
    assert any(e.startswith("neet-copy.toml: id:") for e in errors)
    assert any(e.startswith("employment.toml: category:") for e in errors)


def test_check_content_cli_json(content_copy: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check-content", "--json", "--dir", str(content_copy)],
        capture_output=True,
        text=True,
        env=env,
        cwd=content_copy.parent,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"topics", "warnings", "errors"}
    neet = next(t for t in data["topics"] if t["id"] == "neet")
    assert neet["title"]["kk"] == "NEET жастарға қолдау"
    assert set(neet) == {"id", "category", "title", "registration_open", "checked", "sources"}
    assert any("admin-fill placeholder" in w for w in data["warnings"])
    # A broken file turns the exit code non-zero.
    (content_copy / "topics" / "neet.toml").write_text("id = ", encoding="utf-8")
    broken = subprocess.run(
        [sys.executable, "-m", "bot", "check-content", "--dir", str(content_copy)],
        capture_output=True,
        text=True,
        env=env,
        cwd=content_copy.parent,
        timeout=60,
    )
    assert broken.returncode == 1
    assert "neet.toml" in broken.stdout
