"""Values as stored: aware datetimes as sortable UTC text, rows as plain frozen dataclasses."""

from __future__ import annotations

import dataclasses
import functools
import operator
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

T = TypeVar("T")
ISO = "%Y-%m-%dT%H:%M:%SZ"


def to_db(moment: datetime | None) -> str | None:
    """Encode an aware datetime as sortable UTC text (`2026-12-31T16:59:00Z`)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("naive datetime reached storage")
    if moment.tzinfo is UTC:  # most: our clock and our decoded columns; the same few recur
        return _utc_text(moment)
    return moment.astimezone(UTC).strftime(ISO)


@functools.lru_cache(maxsize=4096)
def _utc_text(moment: datetime) -> str:
    """`to_db` of a UTC datetime (memoised: pure, and UTC has no folds that equality ignores)."""
    return moment.strftime(ISO)


def from_db(text: str | None) -> datetime | None:
    """Decode text written by `to_db` into an aware UTC datetime."""
    if text is None:
        return None
    if len(text) == 20 and text[10] == "T" and text[19] == "Z":  # 50x faster than strptime
        return datetime.fromisoformat(text)
    return datetime.strptime(text, ISO).replace(tzinfo=UTC)


def columns(*names: str) -> Callable[[Any], dict[str, Any]]:
    """`row → {name: row[name] for name in names}`, the lookups made by one C call (a name
    looked up in a `sqlite3.Row` costs as much as the rest of building the dict)."""
    get = operator.itemgetter(*names)
    if len(names) == 1:  # itemgetter of one name gives the value, not a tuple
        return lambda row: {names[0]: get(row)}
    return lambda row: dict(zip(names, get(row), strict=True))


def memoised(decode: Callable[[dict[str, Any]], T], size: int = 1024) -> Callable[[Any], T]:
    """`decode` of a row's columns as a dict, memoised on the row's column names and values: a
    frozen record is shared by every read of an unchanged row (lists and the per-update seat
    check re-read the same rows). For rows with unique column names (`SELECT *` of one table
    or view); a hit costs the two tuples of its key, a fraction of decoding."""

    @functools.lru_cache(maxsize=size)
    def cached(names: tuple[str, ...], values: tuple) -> T:
        return decode(dict(zip(names, values, strict=True)))

    return lambda row: cached(tuple(row.keys()), tuple(row))


_RECORDS: dict[type, frozenset[str]] = {}  # `record`: the plain frozen dataclasses seen


def record(cls: type[T], data: dict[str, Any]) -> T:
    """`cls(**data)` for a plain frozen dataclass, `data` holding every field and nothing else,
    without the generated `__init__` — which sets each field through `object.__setattr__`, the
    dearest part of decoding a row (≈ 2 µs of ≈ 3 for an Item). The class is checked once: a
    frozen dataclass with no `__post_init__`, no slots and every field set by `__init__`."""
    names = _RECORDS.get(cls)
    if names is None:
        names = _RECORDS[cls] = _plain_fields(cls)
    if len(data) != len(names):
        raise TypeError(f"{cls.__name__}: fields {sorted(names ^ set(data))} missing or unknown")
    obj = object.__new__(cls)
    obj.__dict__.update(data)
    return obj


def _plain_fields(cls: type) -> frozenset[str]:
    params = getattr(cls, "__dataclass_params__", None)
    fields = getattr(cls, "__dataclass_fields__", {})
    if (
        params is None
        or not params.frozen
        or hasattr(cls, "__post_init__")
        or hasattr(cls, "__slots__")
        or any(not f.init or f._field_type is not dataclasses._FIELD for f in fields.values())
    ):
        raise TypeError(f"{cls.__name__} is not a plain frozen dataclass")
    return frozenset(fields)
