"""Message catalogs (`bot/locales/{vi,en}/*.toml`) and the `t()` lookup that escapes values."""

from __future__ import annotations

import html
import string
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from bot.config import LANGUAGES
from bot.names import shown

LOCALES_DIR = Path(__file__).parent / "locales"


class Html(str):
    """A string that is already safe HTML: `t()` inserts it without escaping."""

    __slots__ = ()


def _flatten(table: dict[str, Any], prefix: str, out: dict[str, str], source: Path) -> None:
    for key, value in table.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            _flatten(value, f"{full}.", out, source)
        elif full in out:
            raise ValueError(f"duplicate catalog key {full!r} in {source}")
        else:
            out[full] = str(value)


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every message of one language, keyed by dotted name."""
    messages: dict[str, str] = {}
    for path in sorted((LOCALES_DIR / lang).glob("*.toml")):
        with path.open("rb") as fh:
            _flatten(tomllib.load(fh), "", messages, path)
    return messages


def placeholders(text: str) -> set[str]:
    """The `{name}` fields a message expects."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def escape(value: object) -> str:
    """HTML-escape a value unless it is marked `Html`."""
    if isinstance(value, Html):
        return value
    return html.escape(str(value), quote=False)


def _param(value: object) -> str:
    """A parameter as it goes into a message: `Html` as is; text escaped and, when it could
    reorder the line (bot/names.py), isolated so a name or a title cannot move a deadline."""
    kind = type(value)
    if kind is Html:
        return value
    if kind is str:  # the common case, without `escape`'s `str()` and `Html` checks
        text = html.escape(value, quote=False)
        return text if text.isascii() else shown(text)
    if kind is int:  # digits: nothing to escape or isolate
        return str(value)
    if isinstance(value, Html):
        return value
    return shown(escape(value)) if isinstance(value, str) else escape(value)


@cache
def _fixed(lang: str, key: str) -> Html:
    """A message without parameters (catalogs never change while the bot runs)."""
    return Html(_template(lang, key).format())


def _template(lang: str, key: str) -> str:
    text = catalog(lang).get(key)
    if text is None:
        raise KeyError(f"missing catalog key {key!r} for {lang}")
    return text


def t(lang: str, key: str, /, **params: object) -> Html:
    """The message `key` in `lang`, every parameter escaped (and isolated) unless `Html`."""
    if lang not in LANGUAGES:
        lang = LANGUAGES[0]
    if not params:
        return _fixed(lang, key)
    values = {k: v if v.__class__ is Html else _param(v) for k, v in params.items()}
    return Html(_template(lang, key).format_map(values))


def has(key: str) -> bool:
    """Whether the catalogs know `key`."""
    return key in catalog(LANGUAGES[0])
