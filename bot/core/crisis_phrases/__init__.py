"""The crisis phrase families as YAML, for counsellors to read and review (read by crisis_book)."""
