"""Channels: each turns its own updates into dialogue-core calls and formats `Reply` objects.

terminal.py is the embedded default (a chat in this terminal); Telegram follows on the same core.
"""
