"""WeCom 微信客服: couriers scan a station's QR poster and chat in WeChat; volunteers answer in the
WeCom app. The channel only translates between the platform and the conversation core.

- `client`: the HTTP API (gettoken, kf/sync_msg, kf/send_msg, kf/send_msg_on_event,
  kf/service_state/get|trans, kf/add_contact_way, message/send), with the access token cached.
- `callback`: the callback server (URL verification, signature and decryption, 200 at once).
- `sync`: reads the message feed per account after each callback, from a stored cursor.
- `inbound`: a feed message as a call of the core (courier text, menu click, media, events).
- `outlet`: the core's replies as WeChat messages within the platform's window and states.
- `channel`: builds and runs the pieces.
"""
