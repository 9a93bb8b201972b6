"""How the bot talks to the Bot API: the JSON session, retries, pacing, the pinned response
models, and the webhook server. Nothing here knows about screens, forms or the database's
content; handlers and services reach Telegram only through the `Bot` this configures."""
