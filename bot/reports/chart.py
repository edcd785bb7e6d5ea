"""The review chart: per agency, horizontal stacked bars of the four timeliness classes (PNG).

Made for a phone screen: horizontal bars, large type, wrapped agency names, the legend below.
The font is DejaVu Sans, which ships with matplotlib and has every Vietnamese letter. matplotlib
is imported here, inside `render`, and only there (the Agg canvas, no pyplot state).
"""

from __future__ import annotations

import io
import textwrap

from bot.reports import agency_label, period_words, plain
from bot.services.reports import Report
from bot.timeliness import ORDER, Timeliness

FONT = "DejaVu Sans"
COLORS = {
    Timeliness.DONE_ON_TIME: "#2e7d32",
    Timeliness.DONE_LATE: "#f9a825",
    Timeliness.OPEN_ON_TIME: "#1e88e5",
    Timeliness.OPEN_OVERDUE: "#c62828",
}
TEXT_ON = {
    Timeliness.DONE_ON_TIME: "white",
    Timeliness.DONE_LATE: "black",
    Timeliness.OPEN_ON_TIME: "white",
    Timeliness.OPEN_OVERDUE: "white",
}
WIDTH_IN, DPI, NAME_WIDTH = 9.0, 120, 20


def render(report: Report, lang: str) -> bytes:
    """The chart of a report with at least one counted task, as PNG bytes."""
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = [a for a in report.agencies if a.assigned]
    names = [textwrap.fill(agency_label(a.agency, lang), NAME_WIDTH) for a in rows]
    lines_per_bar = max((n.count("\n") + 1 for n in names), default=1)
    height = 2.6 + len(rows) * max(0.75, 0.42 * lines_per_bar + 0.25)
    style = {
        "font.family": "sans-serif",
        "font.sans-serif": [FONT],
        "font.size": 15,
        "axes.titlesize": 18,
        "axes.titleweight": "bold",
        "svg.fonttype": "none",
    }
    with mpl.rc_context(style):
        fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        positions = range(len(rows))
        left = [0] * len(rows)
        biggest = max(a.assigned for a in rows) if rows else 1
        for cls in ORDER:
            values = [a.counts[cls] for a in rows]
            bars = ax.barh(
                positions,
                values,
                left=left,
                color=COLORS[cls],
                label=plain(lang, f"timeliness.{cls}"),
                height=0.65,
            )
            for bar, value in zip(bars, values, strict=True):
                if value and value / biggest >= 0.06:
                    ax.text(
                        bar.get_x() + bar.get_width() / 2,
                        bar.get_y() + bar.get_height() / 2,
                        str(value),
                        ha="center",
                        va="center",
                        color=TEXT_ON[cls],
                        fontsize=14,
                        fontweight="bold",
                    )
            left = [a + b for a, b in zip(left, values, strict=True)]
        for y, total in zip(positions, left, strict=True):
            ax.text(total + biggest * 0.01, y, f" {total}", va="center", fontsize=14)
        ax.set_yticks(list(positions), names, fontsize=14)
        ax.invert_yaxis()
        ax.set_xlim(0, biggest * 1.12 + 0.5)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_xlabel(plain(lang, "chart.axis"))
        ax.spines[["top", "right"]].set_visible(False)
        title = plain(lang, "chart.title", period=period_words(report, lang))
        ax.set_title(textwrap.fill(title, 48), loc="left")
        fig.legend(loc="outside lower center", ncols=2, frameon=False, fontsize=13)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()
