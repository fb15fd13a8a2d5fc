"""The base layer: small pieces every other layer may use, importing nothing of the project.

`clock` (an injectable clock), `privacy` (masking of phone and ID numbers), `replies` (what the
dialogue core returns, as data for any channel), `numbers` (Chinese numerals). Nothing here
imports `bot`, `handoff`, `reminders`, `knowledge`, `nlu` or `storage`.
"""
