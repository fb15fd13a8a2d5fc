"""Test helpers: fakes for error paths, service starters for integration tests."""
