"""After a collection closes: stage its result (inside the close), then download the submitted
files, pack the .zip archive(s) and the .xlsx register and stage them (once); the catch-up
compiles what a crash left uncompiled and creates missing occurrences of recurring series.

Files are downloaded only here, after the close committed (never inside a transaction). A file
over the Bot API's 20 MB download limit, or refused by Telegram, is listed in a message instead
of packed; a transient failure (network, 5xx) leaves the collection uncompiled and the catch-up
tries again — nothing is skipped silently.
"""

from __future__ import annotations

import logging

from telegram.error import BadRequest, TelegramError
from telegram.ext import Application

from bot.delivery import purposes
from bot.delivery.outbox import PurposeHooks
from bot.documents import collection_files as files
from bot.i18n import Html, t
from bot.services.collection_model import KIND, Standing, zip_names
from handlers import collection_render as cards
from handlers import render
from handlers.cards import card_editor
from handlers.outbox import outbox_of, settle
from handlers.registry import on_start
from handlers.state import Context, state_of

log = logging.getLogger(__name__)

COLLECTION_CARD = "collection.card"
COLLECTION_RESULT = "collection.result"
CATCH_UP_INTERVAL = 300.0  # seconds between catch-ups (uncompiled closes, missing occurrences)


async def announce(app: Application, standing: Standing) -> None:
    """Stage the card of a new collection (inside the transaction that created it)."""
    committee, lang = standing.committee, standing.committee.language
    await outbox_of(app).text(
        committee.chat_id, cards.card(standing, lang), markup=cards.keyboard(standing, lang),
        thread_id=committee.thread_id, committee_id=committee.id, purpose=COLLECTION_CARD,
        ref_id=standing.item.id,
    )  # fmt: skip


def publisher(app: Application):
    """The `publish` a close runs in its transaction: the result, and the next occurrence's card."""

    async def publish(closed: Standing, following: Standing | None) -> None:
        committee = closed.committee
        await outbox_of(app).text(
            committee.chat_id, cards.result(closed, committee.language),
            thread_id=committee.thread_id, committee_id=committee.id,
            purpose=COLLECTION_RESULT, ref_id=closed.item.id,
        )  # fmt: skip
        if following is not None:
            await announce(app, following)

    return publish


async def after_close(app: Application, item_id: int) -> None:
    """Once the close has committed: the card shows it, the result goes out, files compile."""
    await card_editor(app).edit_now(KIND, item_id)
    outbox = outbox_of(app)
    await outbox.flush()
    await compile_safely(app, item_id)


async def compile_safely(app: Application, item_id: int) -> None:
    """Compile, logging a failure (the catch-up tries again)."""
    try:
        await compile_collection(app, item_id)
    except Exception:
        log.exception("collection %s not compiled yet", item_id)


async def compile_collection(app: Application, item_id: int) -> bool:
    """Download, pack and stage the archive(s) and the register once; False if nothing done."""
    services = state_of(app).services
    service = services.collections
    item = await service.by_id(item_id)
    standing = await service.standing(item)
    if standing.collection.compiled_at is not None or not standing.closed:
        return False
    lang, committee = standing.committee.language, standing.committee
    names = zip_names(standing.senders)
    packed, left_out = [], {}
    for row in standing.senders:
        sub = row.submission
        if sub.file.size is not None and sub.file.size > files.DOWNLOAD_LIMIT:
            left_out[row.member.id] = "too_big"
            continue
        try:
            found = await app.bot.get_file(sub.file.file_id)
            data = bytes(await found.download_as_bytearray())
        except BadRequest as exc:  # too big after all, or gone: listed, not packed
            left_out[row.member.id] = "too_big" if "too big" in exc.message.lower() else "refused"
            continue
        except TelegramError:
            log.warning(
                "collection %s: file of member %s not downloaded yet", item_id, row.member.id
            )
            return False  # transient: the catch-up compiles it later, whole
        packed.append(files.Packed(row.member.id, names[row.member.id], data))
    parts = files.split_parts(packed, files.PART_LIMIT)
    base = t(lang, "collect.zip_name", number=item.number)
    part_names = [
        base + (t(lang, "collect.zip_part", part=i, parts=len(parts)) if len(parts) > 1 else "")
        for i in range(1, len(parts) + 1)
    ]
    placed = {p.member_id: f"{part_names[i]}.zip" for i, part in enumerate(parts) for p in part}
    placed |= {mid: t(lang, f"collect.left_out.{why}") for mid, why in left_out.items()}
    outbox = outbox_of(app)
    common = {"thread_id": committee.thread_id, "committee_id": committee.id, "ref_id": item.id}
    async with services.db.transaction():
        if not await service.mark_compiled(item.id):
            return False
        for name, part in zip(part_names, parts, strict=True):
            caption = t(lang, "collect.zip_caption", number=item.number, count=len(part))
            await outbox.document(
                committee.chat_id, files.build_zip(part), f"{name}.zip", caption=caption, **common
            )
        register = files.register(standing, lang, placed)
        await outbox.document(
            committee.chat_id, register, t(lang, "collect.xlsx_name", number=item.number),
            caption=t(lang, "collect.xlsx_caption", number=item.number), **common,
        )  # fmt: skip
        if left_out:
            people = {row.member.id: row for row in standing.rows}
            lines = [t(lang, "collect.left_out_header", number=item.number)]
            for member_id, why in left_out.items():
                row = people[member_id]
                lines.append(
                    t(lang, "collect.left_out_line", name=render.with_agency(row.member, lang),
                      file=row.submission.file.name, size=cards.size_text(row.submission.file.size),
                      why=t(lang, f"collect.left_out.{why}"))
                )  # fmt: skip
            await outbox.text(committee.chat_id, Html("\n".join(lines)), **common)
        if not packed:
            await outbox.text(
                committee.chat_id, t(lang, "collect.no_files", number=item.number), **common
            )
    await settle(outbox)
    return True


async def announce_task(app: Application, item_id: int) -> None:
    """Stage the card of a new task occurrence (inside the transaction that created it)."""
    from handlers import task_render

    services = state_of(app).services
    view = await services.tasks.view(item_id)
    committee = await services.committees.get(view.task.item.committee_id)
    lang = committee.language
    await outbox_of(app).text(
        committee.chat_id, task_render.card(view, committee, lang),
        markup=task_render.card_keyboard(view, lang), thread_id=committee.thread_id,
        committee_id=committee.id, purpose=purposes.TASK_CARD, ref_id=item_id,
    )  # fmt: skip


def _announcers(app: Application):
    return (lambda standing: announce(app, standing)), (lambda i: announce_task(app, i))


async def catch_up(app: Application) -> None:
    """Compile closed collections left uncompiled; create missing occurrences of series."""
    services = state_of(app).services
    for item_id in await services.collections.uncompiled():
        await compile_safely(app, item_id)
    created = await services.series.catch_up(*_announcers(app))
    if created:
        await settle(outbox_of(app))


async def _task_finished(app: Application, item_id: int) -> None:
    """A recurring task done or cancelled: its next occurrence now (with the change, in an
    update's unit; the catch-up covers a failure)."""
    services = state_of(app).services
    try:
        if await services.series.finished_task(item_id):
            if await services.series.roll(item_id, *_announcers(app)):
                await settle(outbox_of(app))
    except Exception:
        log.exception("next occurrence after task %s not created yet", item_id)


async def _tick(context: Context) -> None:
    try:
        await catch_up(context.application)
    except Exception:
        log.exception("collection catch-up failed")


@on_start
async def start(app: Application) -> None:
    """Record card and result message ids; catch up now and every few minutes."""
    services = state_of(app).services
    outbox = outbox_of(app)

    async def card_sent(row, message) -> None:
        await services.collections.set_card(row.ref_id, message.message_id)

    async def result_sent(row, message) -> None:
        await services.collections.set_result_message(row.ref_id, message.message_id)

    outbox.hooks[COLLECTION_CARD] = PurposeHooks(sent=card_sent)
    outbox.hooks[COLLECTION_RESULT] = PurposeHooks(sent=result_sent)
    services.events.on_item_changed(
        lambda item_id: _task_finished(app, item_id), watches=("status",)
    )
    await catch_up(app)
    if app.job_queue is not None:
        kwargs = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
        app.job_queue.run_repeating(
            _tick, interval=CATCH_UP_INTERVAL, first=CATCH_UP_INTERVAL,
            name="collections.catch_up", job_kwargs=kwargs,
        )  # fmt: skip
