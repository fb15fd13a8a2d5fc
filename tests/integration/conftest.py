"""Integration tests use the session's real Rasa server (`nlu_url` in tests/conftest.py)."""
