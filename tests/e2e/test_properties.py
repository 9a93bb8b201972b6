"""Property-based tests: random Unicode, control characters, huge texts, HTML/Markdown and SQL
metacharacters fed to the free-text handler, every form step, the search and the buttons.

The oracle is the fake Telegram: it refuses texts over 4096 characters, broken HTML and
callback data over 64 bytes, exactly as Telegram does. A property holds when nothing raised
(the global error handler would have logged an error and sent "something went wrong") and
Telegram refused nothing. One harness serves every example; each example is a new user.
"""

from __future__ import annotations

import itertools
import logging

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from bot.config import Settings
from bot.db.users import Users
from bot.services.answers import Answerer
from bot.services.form_fields import MAX_COMMENT
from tests.conversation import Harness

EXAMPLES = examples(
    max_examples=25,
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
META = [
    "<",
    ">",
    "&",
    "&amp;",
    "&#0;",
    "<b>",
    "</i>",
    "<a href='x'>",
    "*",
    "_",
    "`",
    "```",
    "[x](y)",
    "~",
    "||",
    "'",
    '"',
    ";",
    "--",
    "/*",
    "%",
    "\\",
    "' OR 1=1 --",
    "'); DROP TABLE users;--",
    "{name}",
    "{0}",
    "%s",
    "\x00",
    "\u202e",
    "\u200b",
    "\ufeff",
    "\r\n",
    "\t",
    "🙂",
    "𝕏",
    "Ә",
    "қ",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",
]
texts = st.one_of(
    st.text(min_size=1, max_size=200),
    st.lists(st.sampled_from(META), min_size=1, max_size=30).map("".join),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=50),
    st.builds(
        lambda s, n: (s * n)[:5000],
        st.text(min_size=1, max_size=8),
        st.integers(min_value=500, max_value=5000),
    ),
    st.from_regex(r"[+]?[78]?[\s()\-0-9]{0,20}", fullmatch=True),
).filter(lambda s: s.strip() != "")
ids = itertools.count(700_000)
FORM = {
    "topic": "neet",
    "name": "Ерлан",
    "age": 19,
    "phone": "+77011234567",
    "district": "abai",
    "occupation": "study",
    "comment": None,
    "consented": True,
    "guardian": False,
}
STEPS = ["name", "age", "phone", "district", "occupation", "comment", "consent", "summary"]
GROUP = -100321


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """With an operators' group, so questions for a specialist are posted there."""
    return settings.model_copy(update={"admin_chat_id": GROUP})


@pytest.fixture
def harness(harness: Harness) -> Harness:
    harness.api.add_chat(GROUP, "Operators", type="supergroup")
    return harness


def problems(harness: Harness, caplog: pytest.LogCaptureFixture, start: int) -> list[str]:
    refused = [f"{m}: {d}" for m, _, d in harness.api.refused[start:] if "not modified" not in d]
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    return refused + errors


async def new_user(harness: Harness, lang: str = "ru") -> int:
    user_id = next(ids)
    harness.api.add_chat(user_id, "P", language_code=lang)
    async with harness.dp["db"].transaction() as conn:
        await Users(conn).touch(user_id)
        await Users(conn).set_language(user_id, lang)  # type: ignore[arg-type]
    return user_id


@EXAMPLES
@given(text=texts, lang=st.sampled_from(["kk", "ru"]))
async def test_free_text_never_breaks(
    harness: Harness, caplog: pytest.LogCaptureFixture, text: str, lang: str
) -> None:
    caplog.clear()
    start = len(harness.api.refused)
    user = harness.user(await new_user(harness, lang))
    await user.send(text)
    assert user.messages, "no reply"
    assert problems(harness, caplog, start) == []


@EXAMPLES
@given(text=texts, step=st.sampled_from(STEPS))
async def test_every_form_step_takes_any_text(
    harness: Harness, caplog: pytest.LogCaptureFixture, text: str, step: str
) -> None:
    """The user is put at `step` with the earlier answers filled (the name and comment are
    the random text too: the summary shows them), then types anything."""
    caplog.clear()
    start = len(harness.api.refused)
    user_id = await new_user(harness)
    user = harness.user(user_id)
    state = harness.dp.fsm.get_context(harness.bot, chat_id=user_id, user_id=user_id)
    await state.set_state(f"RegForm:{step}")
    # Within the limits the steps enforce (name 100, comment 500 characters).
    await state.set_data({**FORM, "name": text[:100], "comment": text[:MAX_COMMENT]})
    await user.send(text)
    assert problems(harness, caplog, start) == []
    assert user.messages, "no reply"


@EXAMPLES
@given(text=texts)
async def test_question_for_a_specialist_takes_any_text(
    harness: Harness, caplog: pytest.LogCaptureFixture, text: str
) -> None:
    caplog.clear()
    start = len(harness.api.refused)
    user_id = await new_user(harness)
    user = harness.user(user_id)
    state = harness.dp.fsm.get_context(harness.bot, chat_id=user_id, user_id=user_id)
    await state.set_state("HandoffForm:question")
    await user.send(text)
    assert problems(harness, caplog, start) == []
    assert user.messages, "no reply"
    assert harness.api.bot_messages(GROUP), "the question did not reach the operators"


@EXAMPLES
@given(
    data=st.one_of(
        st.text(min_size=1, max_size=64).filter(lambda s: len(s.encode()) <= 64),
        st.builds(
            lambda p, rest: f"{p}:{rest}"[:64],
            st.sampled_from(["l", "m", "c", "r", "t", "n", "a", "f", "k", "rf", "rm", "fg", "rs"]),
            st.text(alphabet="abc:019-_xé", max_size=40),
        ),
    )
)
async def test_any_callback_data_is_answered(
    harness: Harness, caplog: pytest.LogCaptureFixture, data: str
) -> None:
    caplog.clear()
    start = len(harness.api.refused)
    user = harness.user(await new_user(harness))
    await user.send("/menu")
    answer = await user.press(user.last.message_id, data)
    assert answer is not None  # the spinner was stopped (answerCallbackQuery reached Telegram)
    assert problems(harness, caplog, start) == []


@examples(max_examples=200, deadline=None)
@given(text=st.text(max_size=3000), lang=st.sampled_from(["kk", "ru"]))
def test_search_takes_any_text(answerer: Answerer, text: str, lang: str) -> None:
    answer = answerer.answer(text, lang)  # type: ignore[arg-type]
    assert answer.kind in ("crisis", "confident", "unsure", "unknown")


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    from bot.catalog.store import ContentStore
    from tests.conftest import ROOT

    content = ContentStore(ROOT / "content")
    found = Answerer()
    content.on_reload(found.rebuild)
    return found
