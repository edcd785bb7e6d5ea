"""Before the bot starts: is the Bot API reachable, and does it accept BOT_TOKEN?

One `getMe` over plain httpx, retried with back-off for at most STARTUP_TIMEOUT seconds while the
network or Telegram is down (systemd's `Restart=always` then takes over); a refused token stops at
once. The token is never part of a message: only the base URL is shown.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import httpx

from bot.config import Settings
from bot.ops import StartupError

log = logging.getLogger(__name__)

UNREACHABLE = 4  # exit codes
REJECTED = 5
FIRST_DELAY = 0.5  # seconds, doubled after each failed try up to MAX_DELAY
MAX_DELAY = 10.0


def check_bot_api(
    settings: Settings,
    *,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> dict:
    """Return getMe's bot user, or raise StartupError with the line for the operator."""
    token = settings.bot_token.get_secret_value()
    base = settings.bot_api_base_url.replace(token, "***")
    deadline = monotonic() + settings.startup_timeout
    delay, warned = FIRST_DELAY, False
    while True:
        remaining = deadline - monotonic()
        cause = _try(settings, token, base, timeout=max(1.0, min(10.0, remaining)))
        if isinstance(cause, dict):
            return cause
        remaining = deadline - monotonic()
        if remaining <= 0:
            raise StartupError(
                f"cannot reach the Bot API at {base}: {cause};"
                " check the network or BOT_API_BASE_URL",
                UNREACHABLE,
            )
        if not warned:
            log.warning(
                "cannot reach the Bot API at %s (%s); retrying for up to %g s (STARTUP_TIMEOUT)",
                base, cause, settings.startup_timeout,
            )  # fmt: skip
            warned = True
        sleep(min(delay, remaining))
        delay = min(delay * 2, MAX_DELAY)


def _try(settings: Settings, token: str, base: str, timeout: float) -> dict | str:
    """One getMe: the bot user, or the cause of a transient failure (raises on a refusal)."""
    try:
        with httpx.Client(timeout=timeout) as client:
            response = client.post(f"{settings.bot_api_base_url}{token}/getMe")
    except httpx.TimeoutException:
        return "timed out"
    except httpx.HTTPError as exc:
        return _network_cause(str(exc).replace(token, "***"))
    try:
        body = response.json()
    except ValueError:
        body = None
    status = response.status_code
    if isinstance(body, dict) and body.get("ok") and isinstance(body.get("result"), dict):
        return body["result"]
    if status >= 500 or status == 429:
        return f"HTTP {status} {response.reason_phrase}".strip()
    if isinstance(body, dict) and status in (401, 403, 404):
        described = str(body.get("description") or response.reason_phrase).replace(token, "***")
        raise StartupError(
            f"the Bot API rejected BOT_TOKEN ({status} {described}): check it with @BotFather",
            REJECTED,
        )
    raise StartupError(
        f"{base} does not answer like a Bot API (HTTP {status}); check BOT_API_BASE_URL",
        UNREACHABLE,
    )


def _network_cause(text: str) -> str:
    lowered = text.lower()
    for needle, cause in (
        ("refused", "connection refused"),
        ("name or service not known", "host name not found"),
        ("nodename nor servname", "host name not found"),
        ("name resolution", "host name not found"),
        ("network is unreachable", "network unreachable"),
        ("certificate", "TLS certificate not accepted"),
        ("ssl", "TLS error"),
    ):
        if needle in lowered:
            return cause
    return text or "connection failed"
