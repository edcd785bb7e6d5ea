"""Domain services: plain async code over repositories and a clock; they know no Telegram."""
