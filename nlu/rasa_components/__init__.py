"""Custom Rasa graph components. Imported by Rasa in .venv-rasa (Python 3.10), never by the app."""
