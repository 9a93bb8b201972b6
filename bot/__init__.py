"""Jastar bot: a Telegram bot for the youth of Shymkent (kk/ru)."""
