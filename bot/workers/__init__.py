"""Background senders: tasks beside polling that talk to Telegram on their own schedule."""
