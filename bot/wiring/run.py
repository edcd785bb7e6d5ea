"""The run entry: build the application and serve it by long polling or webhook until stopped."""

from __future__ import annotations

from bot.config import Settings
from bot.delivery.run import run as serve
from bot.wiring.app import build_application


def run(settings: Settings) -> int:
    """Run the bot in the mode the settings ask for (WEBHOOK_URL set: webhook), through the
    inbox (bot/delivery)."""
    serve(build_application(settings), settings)
    return 0
