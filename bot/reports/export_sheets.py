"""The export workbook's own sheets: collections, members and the whole history (as sentences)."""

from __future__ import annotations

from bot.reports import plain
from bot.reports.audit_text import plain_sentence
from bot.reports.sheet_writer import DATE, MEDIUM, NARROW, WIDE, SheetWriter


class ExportSheets(SheetWriter):
    """The sheets only `/export` has (the review workbook shares the rest)."""

    def collections(self) -> None:
        """One row per recipient of every collection: state, current file, when, how many."""
        columns = [
            ("number", NARROW), ("title", WIDE), ("deadline", DATE), ("state", NARROW),
            ("agency", MEDIUM), ("member", MEDIUM), ("collect.xlsx.col_state", NARROW),
            ("collect.xlsx.col_file", WIDE), ("collect.xlsx.col_size", NARROW), ("at", DATE),
            ("collect.xlsx.col_count", NARROW),
        ]  # fmt: skip
        rows = []
        for standing in self.report.collections:
            item = standing.item
            head = [item.number, item.title, self.when(item.deadline),
                    self.label("collect.status", item.status)]  # fmt: skip
            for row in standing.rows:
                sub = row.submission
                rows.append([*head, self.agency(row.member), self.name(row.member),
                             plain(self.lang, f"collect.state.{row.state}"),
                             sub.file.name if sub else None, sub.file.size if sub else None,
                             self.when(sub.at) if sub else None, row.sent_count])  # fmt: skip
        self.sheet("collections", columns, rows, dates=(2, 9))

    def members(self) -> None:
        columns = [("member", MEDIUM), ("username", 20), ("role", 24), ("agency", WIDE),
                   ("active", NARROW), ("joined", DATE)]  # fmt: skip
        rows = []
        for m in self.report.members.values():
            username = f"@{m.username}" if m.username else ""
            role = plain(self.lang, f"roles.{m.role}")
            active = self.yes_no(m.active)
            joined = self.when(m.joined_at)
            rows.append([m.display_name, username, role, self.agency(m), active, joined])
        self.sheet("members", columns, rows, dates=(5,))

    def history(self) -> None:
        r = self.report
        numbers = {line.task.item.id: line.task.item.number for line in r.tasks}
        numbers |= {c.record.item.id: c.record.item.number for c in r.consultations}
        numbers |= {v.record.item.id: v.record.item.number for v in r.votes}
        columns = [("at", DATE), ("actor", MEDIUM), ("item", NARROW), ("action", 90)]
        rows = []
        for e in r.audit:
            actor = self.name(self.by_user.get(e.actor_user_id)) or self.h("system")
            number = numbers.get(e.item_id)
            what = plain_sentence(e, r.members, r.tz, self.lang)
            rows.append([self.when(e.at), actor, f"#{number}" if number else "", what])
        self.sheet("history", columns, rows, dates=(0,))
