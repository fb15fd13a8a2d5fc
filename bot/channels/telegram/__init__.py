"""The Telegram channel (python-telegram-bot 22): turns updates into dialogue calls and replies
into Telegram HTML with inline keyboards; `staff` and `outcomes` connect it to the human handoff
(`handoff.HandoffService`). `app.build_application` is the composition root."""
