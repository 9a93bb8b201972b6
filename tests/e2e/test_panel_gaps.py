"""From questions to answers in the panel (issue 20), on a copy of content/: the /gaps
report with counts and the topics offered, a question turned into a FAQ item of a topic
(both languages) that the bot then answers, a question marked out of scope in
search.toml, the answered count per topic this month; sessions, CSRF and escaping."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.config import Settings
from bot.services import audit, users
from tests.conversation import Conversation, Harness
from tests.panel import ADMIN, copy_content, form_fields, panel_client, sign_in

# A question no topic answers (a chess club was one, until the engine found chess in a topic).
QUESTION = "можно ли у вас взять в аренду палатку для похода"
ANSWER_RU = "Палатки напрокат — тестовый ответ для проверки панели."
ANSWER_KK = "Шатыр жалға беру — панельді тексеруге арналған сынақ жауабы."


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(update={"content_dir": copy_content(tmp_path)})


@pytest.fixture
async def admin(harness: Harness) -> Conversation:
    await users.seen(harness.dp["db"], ADMIN)
    await users.set_language(harness.dp["db"], ADMIN, "ru")
    return harness.user(ADMIN, "Admin", language_code="ru")


async def test_gaps_pages_need_a_session_and_csrf(harness: Harness, admin: Conversation) -> None:
    async with panel_client(harness) as client:
        assert (await client.get("/panel/gaps")).status == 401
        for action in ("faq", "offtopic"):
            assert (await client.post(f"/panel/gaps/{action}", data={"q": "x"})).status == 401
        await sign_in(client, admin)
        forged = {"csrf": "forged", "topic": "contacts", "question": "x", "a-kk": "x"}
        for action in ("faq", "offtopic"):
            assert (await client.post(f"/panel/gaps/{action}", data=forged)).status == 403


async def test_a_gap_question_becomes_a_faq_item_and_the_bot_then_answers_it(
    harness: Harness, admin: Conversation, user: Conversation
) -> None:
    await user.start("Русский")
    await user.send(QUESTION)
    first = user.last_text
    await user.send("<script>alert(1)</script> как записаться в клуб")
    async with panel_client(harness) as client:
        await sign_in(client, admin)
        page = await (await client.get("/panel/gaps")).text()
        # The report groups questions by their normalised form (folded spelling).
        norm = harness.dp["answerer"].answer(QUESTION, "ru").result.normalised
        assert norm in page and "<script>alert" not in page
        assert "задан 1 раз:" in page
        fields = form_fields(page, "gap-faq-" + str(_index(page, norm)))
        assert fields["q-ru"] == norm and fields["q-kk"] == norm
        fields.update(topic="resource-centre", **{"a-ru": ANSWER_RU, "a-kk": ANSWER_KK})
        fields["q-ru"] = QUESTION  # written as people write it: the card shows it
        fields["q-kk"] = "жорыққа шатыр жалға алуға бола ма"
        done = await client.post("/panel/gaps/faq", data=fields, allow_redirects=False)
        assert done.status == 303, await done.text()
        shown = await (await client.get(done.headers["Location"])).text()
        assert "Вопрос добавлен в тему" in shown
    data = tomllib.loads(
        (harness.dp["content"].content_dir / "topics" / "resource-centre.toml").read_text("utf-8")
    )
    assert data["ru"]["faq"][-1] == {"questions": [QUESTION], "answer": ANSWER_RU}
    assert data["kk"]["faq"][-1]["answer"] == ANSWER_KK
    await user.send(QUESTION)
    assert ANSWER_RU in user.last_text and user.last_text != first
    entries = await audit.page(harness.dp["db"], audit.AuditFilter(action="gap-faq"), 5, 0)
    assert entries.total == 1 and entries.entries[0].target == "topic:resource-centre"
    # The answered count of this month now has the topic.
    async with panel_client(harness) as client:
        await sign_in(client, admin)
        page = await (await client.get("/panel/gaps")).text()
        answered = page.split('id="h-answered"', 1)[1].split("</section>", 1)[0]
        assert "/panel/content/resource-centre" in answered


async def test_a_gap_marked_out_of_scope_goes_into_search_toml_with_its_comments_kept(
    harness: Harness, admin: Conversation, user: Conversation
) -> None:
    path = harness.dp["content"].content_dir / "search.toml"
    before = path.read_text("utf-8")
    await user.start("Русский")
    await user.send(QUESTION)
    async with panel_client(harness) as client:
        await sign_in(client, admin)
        page = await (await client.get("/panel/gaps")).text()
        norm = harness.dp["answerer"].answer(QUESTION, "ru").result.normalised
        fields = form_fields(page, "gap-off-" + str(_index(page, norm)))
        done = await client.post("/panel/gaps/offtopic", data=fields, allow_redirects=False)
        assert done.status == 303, await done.text()
    after = path.read_text("utf-8")
    assert after.startswith(before.split("\n]", 1)[0])  # the comments and lists untouched
    assert norm in tomllib.loads(after)["offtopic"]
    assert norm in harness.dp["content"].catalog.offtopic
    # Before, the bot offered an unrelated programme; now it says it does not cover this.
    assert harness.dp["answerer"].answer(QUESTION, "ru").topic is None
    entries = await audit.page(harness.dp["db"], audit.AuditFilter(action="gap-offtopic"), 5, 0)
    assert entries.total == 1


def _index(page: str, question: str) -> int:
    """The 1-based position of a question in the gaps list (its forms' ids)."""
    items = page.split('<li class="gap">')[1:]
    return next(i for i, item in enumerate(items, 1) if question in item)


async def test_the_gaps_page_in_kazakh(harness: Harness) -> None:
    await users.seen(harness.dp["db"], ADMIN)
    await users.set_language(harness.dp["db"], ADMIN, "kk")
    admin = harness.user(ADMIN, "Admin", language_code="kk")
    async with panel_client(harness) as client:
        await sign_in(client, admin)
        page = await (await client.get("/panel/gaps")).text()
        assert "Жауапсыз сұрақтар" in page and "Осы айда бот" in page
