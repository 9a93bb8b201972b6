"""Telegram without Telegram: the in-memory Bot API (`emulator`) and the terminal chat
(`python -m bot chat`, `terminal`). The running bot never imports this package; the chat
mode, the tests and the benchmarks do."""
