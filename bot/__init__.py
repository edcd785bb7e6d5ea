"""Committee bot: wiring, configuration, i18n, domain services and the scheduler."""
