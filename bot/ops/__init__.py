"""Operations: start-up checks, the running lock, backup, restore and status for operators."""


class StartupError(Exception):
    """The bot cannot start; the message is the one line shown to the operator."""

    def __init__(self, line: str, code: int) -> None:
        super().__init__(line)
        self.code = code


def bot_version() -> str:
    """The installed version of the bot (`pyproject.toml`), or "unknown" when run uninstalled."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("committee-bot")
    except PackageNotFoundError:
        return "unknown"
