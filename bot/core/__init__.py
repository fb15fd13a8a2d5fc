"""The channel-independent dialogue core: normalisation, crisis check, policy, rendering, dialogue.

Nothing here imports python-telegram-bot; channels call `Dialogue` and format its `Reply`.
"""
