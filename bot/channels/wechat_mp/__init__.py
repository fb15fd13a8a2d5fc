"""The union's WeChat service account (服务号, issue 15): `api` (the HTTP API client), `callback`
(the callback server, safe mode), `channel` (callbacks into the core), `outlet` and `format`
(replies as 客服消息 texts within `window`), `templates` (reminders as template messages) and
`menu` (the custom menu, published with `courier-aid mp menu publish`)."""
