"""The run entry: build the application and serve it by long polling or webhook until stopped."""

from __future__ import annotations

from urllib.parse import urlparse

from bot.config import Settings
from bot.wiring.app import ALLOWED_UPDATES, build_application


def run(settings: Settings) -> int:
    """Run the bot in the mode the settings ask for (WEBHOOK_URL set: webhook)."""
    app = build_application(settings)
    if settings.webhook_url:
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        app.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlparse(settings.webhook_url).path.lstrip("/"),  # as the proxy forwards it
            webhook_url=settings.webhook_url,
            secret_token=secret,
            allowed_updates=ALLOWED_UPDATES,
        )
    else:
        app.run_polling(allowed_updates=ALLOWED_UPDATES)
    return 0
