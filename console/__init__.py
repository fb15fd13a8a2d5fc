"""The union office's web console (issue 16): figures as charts, events, cases, staff, knowledge.

Server-rendered Starlette + Jinja2 (autoescape, StrictUndefined), plain forms with CSRF tokens,
no JavaScript needed, every asset served from `console/static`. Built by `app.create_app` from a
`ConsoleConfig`, a unit of work and a clock; `app.serve_console` runs it with uvicorn in the
current event loop. Reads and changes go through handoff/, reminders/, knowledge/ and storage/;
it never imports a channel. Couriers appear only by a case's pseudonym.
"""
