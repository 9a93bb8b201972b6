"""The web panel: a front end for the department's staff over the same services as the
Telegram handlers (aiohttp routes, Jinja2 templates, static files; `bot/panel/app.py`)."""
