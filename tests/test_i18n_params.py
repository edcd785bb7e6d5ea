"""`t()` puts every kind of parameter into a message the same way, fast paths included."""

from __future__ import annotations

from enum import Enum

import pytest

from bot.i18n import Html, catalog, t
from bot.timeliness import Timeliness


class Plain(str, Enum):  # noqa: UP042 - not a StrEnum on purpose
    """A str enum whose `str()` is its name, not its value."""

    X = "x"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Html("<b>Nguyễn An</b>"), "<b>Nguyễn An</b>"),
        ("A & <B>", "A &amp; &lt;B&gt;"),
        ("Sở KH&ĐT", "Sở KH&amp;ĐT"),
        ("\u202eevil", "\u2068evil\u2069"),
        ("عربي", "\u2068عربي\u2069"),
        (42, "42"),
        (True, "True"),
        (None, "None"),
        (2.5, "2.5"),
        (Timeliness.OPEN_OVERDUE, str(Timeliness.OPEN_OVERDUE)),
        (Plain.X, "Plain.X"),
    ],
)
def test_a_parameter_is_escaped_isolated_or_passed_through(value, shown):
    text = t("vi", "common.name_agency", name=value, agency="<i>")
    assert text == f"{shown} (&lt;i&gt;)" and isinstance(text, Html)


def test_a_message_without_parameters_and_the_fallbacks():
    assert t("en", "task.mark.open_overdue") == catalog("en")["task.mark.open_overdue"]
    assert isinstance(t("vi", "task.list.legend"), Html)
    assert t("fr", "task.list.legend") == t("vi", "task.list.legend")
    with pytest.raises(KeyError):
        t("vi", "no.such.key")
    with pytest.raises(KeyError):
        t("vi", "common.name_agency")  # its placeholders are required
