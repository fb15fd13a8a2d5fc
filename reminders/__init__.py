"""Events for couriers, tag subscriptions, and reminders that go out once, even across restarts.

Channel-agnostic (no python-telegram-bot here): a channel supplies a `Sender` and wires its
commands to `CourierEvents`, `commands.run_admin_text` and `ReminderService`. In dependency order:

- `times`, `offsets`, `config`: local time parsing and display, "24h,1h" offsets, settings.
- `events`, `importer`, `subscriptions`: what administrators and couriers change.
- `plan` (pure): which reminders an event needs and which are due, from DB state and `now`.
- `reconcile`: brings the reminder rows in line with the events table (run every sync).
- `sender`, `limiter`, `broadcaster`, `deliveries`: the channel's contract, Telegram's limits,
  the async fan-out, and one record per reminder and courier, claimed before the send.
- `steps`, `runtime`, `schedule`, `jobs`: what runs in the bot (APScheduler 3 with a persistent
  SQLAlchemy job store; decisions from the database and an injected clock).
- `personal`, `zh_dates`: a courier's own deadline reminders (work-injury claim, arbitration).
- `texts` (+ templates/), `courier`, `commands`: messages, courier replies, `event` commands.
"""
