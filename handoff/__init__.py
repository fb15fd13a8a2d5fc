"""Human handoff: a person takes over in the same chat, and neither side is exposed.

`service.HandoffService` is the one entry point for channels: plain inputs, plain outputs
(`notices`). Behind it: `cases` (open, summary, atomic claim, queue), `staff` (registry, audit),
`announce` + `timeouts` + `duty` (cards, reminders, pages, duty hours), `relay` (copies both ways
and reply mapping), `desk` (staff commands), `courier` (cancel, rating, consent), `transcript`,
`report`. Texts are Jinja2 templates under `templates/`. No python-telegram-bot here.
"""
