"""Domain errors that carry an i18n message key instead of a text."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal a user should read: `key` names a catalog message, `params` fill it."""

    def __init__(self, key: str, /, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __repr__(self) -> str:
        return f"DomainError({self.key!r}, {self.params!r})"
