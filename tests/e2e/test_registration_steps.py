"""The form is its table of steps (`FORM`): walked here from the table itself, so a step
added or moved there is reached, asked, re-asked on wrong input and left with "back" in the
new order without changing these tests (a new typed step needs its two sample answers)."""

from __future__ import annotations

from bot.catalog.store import ContentStore
from bot.db.database import Database
from bot.services.form_fields import FieldError
from bot.views.registration import CONSENT, FORM, FormCD, Step
from tests.conversation import Conversation

# A right and a wrong answer for every typed step.
TYPED = {
    "name": ("Сейітов Ерлан", "12345"),
    "age": ("19", "он тоғыз"),
    "phone": ("+7 701 123 45 67", "телефоным жоқ"),
    "comment": ("IT саласы", "ә" * 600),
}
TYPED_WHERE_A_BUTTON_IS_WANTED = "иә"
STICKER = {
    "file_id": "st1",
    "file_unique_id": "u1",
    "type": "regular",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
}


def number(step: Step) -> str:
    return f"{FORM.index(step) + 1}/{len(FORM)}"


async def state_on_disk(db: Database) -> str:
    row = await db.fetch_one("SELECT state FROM fsm_state")
    assert row is not None
    return str(row["state"])


async def answer(user: Conversation, step: Step) -> None:
    """The right answer of a step, found from the table (the age of 19 is an adult's)."""
    if step.parse is not None:
        await user.send(TYPED[step.name][0])
    elif step.choices:
        await user.press(user.last.message_id, FormCD(act=step.act, val=step.choices[0]).pack())
    else:
        assert step.name == CONSENT, f"the test does not know how to answer {step.name}"
        await user.press(user.last.message_id, FormCD(act="agree", val="adult").pack())


def wrong_text(step: Step) -> tuple[str, str, dict[str, object]]:
    """A wrong typed answer, and the hint (key, values) it must bring."""
    if step.parse is None:
        return TYPED_WHERE_A_BUTTON_IS_WANTED, "reg-press-button", {}
    text = TYPED[step.name][1]
    try:
        step.parse(text)
    except FieldError as exc:
        return text, exc.hint, exc.values
    raise AssertionError(f"{text!r} is not a wrong answer for {step.name}")


async def start_form(user: Conversation) -> None:
    await user.start("Қазақша")
    await user.send("/start reg-neet")


async def test_every_step_is_reached_in_table_order_and_re_asks_on_wrong_input(
    user: Conversation, db: Database, content: ContentStore
) -> None:
    t = content.i18n("kk")
    await start_form(user)
    assert t("reg-intro", programme="x", steps=len(FORM)).split()[-1] in user.messages[-2].text
    for step in FORM:
        assert number(step) in user.last_text
        assert await state_on_disk(db) == f"RegForm:{step.name}"
        text, hint, values = wrong_text(step)
        await user.send(text)
        assert t(hint, **values) in user.last_text and number(step) in user.last_text
        assert await state_on_disk(db) == f"RegForm:{step.name}"
        await user.send(sticker=STICKER)
        kind = "reg-need-button" if step.buttons_only else "reg-need-text"
        assert t(kind) in user.last_text and number(step) in user.last_text
        assert await state_on_disk(db) == f"RegForm:{step.name}"
        await answer(user, step)
    assert await state_on_disk(db) == "RegForm:summary"
    for line in ("Сейітов Ерлан", "+77011234567", "IT саласы", t("district-abai")):
        assert line in user.last_text


async def test_back_walks_the_table_in_reverse(
    user: Conversation, db: Database, content: ContentStore
) -> None:
    t = content.i18n("kk")
    await start_form(user)
    for step in FORM[:-1]:
        await answer(user, step)
    for step in reversed(FORM[1:]):
        assert number(step) in user.last_text
        if step.contact:  # a reply keyboard: "back" arrives as its text
            await user.send(t("button-back"))
        else:
            await user.press(user.last.message_id, FormCD(act="back").pack())
        previous = FORM[FORM.index(step) - 1]
        assert number(previous) in user.last_text
        assert await state_on_disk(db) == f"RegForm:{previous.name}"


async def test_every_answer_can_be_edited_from_the_summary(
    user: Conversation, db: Database, content: ContentStore
) -> None:
    t = content.i18n("kk")
    await start_form(user)
    for step in FORM:
        await answer(user, step)
    edits = [
        b.callback_data
        for row in user.last.buttons
        for b in row
        if (b.callback_data or "").startswith("rf:edit:")
    ]
    assert edits == [FormCD(act="edit", val=s.name).pack() for s in FORM if s.column]
    for step in FORM:
        if step.column is None:  # the consent is given again only when the age needs it
            continue
        await user.click(t(f"reg-edit-{step.name}"))
        assert number(step) in user.last_text
        assert await state_on_disk(db) == f"RegForm:{step.name}"
        await answer(user, step)
        assert await state_on_disk(db) == "RegForm:summary"
