"""Local stand-ins for outside services used by end-to-end tests and benchmarks.

`tests.standin.bot_api.BotAPIStandin` serves the Telegram Bot API over real HTTP;
`tests.standin.wecom_api.WeComStandin` serves WeCom's API for WeChat customer service (微信客服)
and calls the bot back with encrypted callbacks. (Import them from their modules: this package
stays empty so `python -m tests.standin.bot_api` and `python -m tests.standin.wecom_api` run
cleanly.)
"""
