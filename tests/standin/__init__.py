"""Local stand-ins for outside services used by end-to-end tests and benchmarks.

`tests.standin.bot_api.BotAPIStandin` serves the Telegram Bot API over real HTTP. (Import it
from the module: this package stays empty so `python -m tests.standin.bot_api` runs cleanly.)
"""
