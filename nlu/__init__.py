"""NLU: the Rasa Open Source 3.6 project (config.yml, data/, dict/) and the app's side of it:
training-data compilation and model cache (training.py), the server process (server.py), the
HTTP client (client.py) and the offline fallback matcher (fallback.py)."""
