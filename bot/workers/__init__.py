"""Background senders that pace their posts to Telegram's limits, outside any update."""
