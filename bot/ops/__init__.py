"""Operations: start-up checks, the running lock, backup, restore and status for operators."""


class StartupError(Exception):
    """The bot cannot start; the message is the one line shown to the operator."""

    def __init__(self, line: str, code: int) -> None:
        super().__init__(line)
        self.code = code
