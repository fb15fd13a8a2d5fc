"""A stand-in Rasa environment for `RasaServer`: its `bin/python` runs our real launcher
(nlu/rasa_launch.py) with this interpreter, and a fake `rasa` package whose `main` either serves
`/status` with Rasa's token check or never answers. Starts in a blink, so the server runner's
process handling (auth token, owner ties, records) is tested without Rasa's 800 MB."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

FAKE_MAIN = """
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit


def main():
    args = sys.argv[1:]
    pid_file = os.environ.get("FAKE_RASA_PID_FILE", os.devnull)
    with open(pid_file, "w") as out:
        out.write(str(os.getpid()))
    if pid_file != os.devnull:
        with open(pid_file + ".argv", "w") as out:
            json.dump(args, out)
    if os.environ.get("FAKE_RASA_MODE") == "silent":
        time.sleep(300)
        return 1
    port = int(args[args.index("-p") + 1])
    token = args[args.index("--auth-token") + 1] if "--auth-token" in args else None

    class Status(BaseHTTPRequestHandler):
        def do_GET(self):
            given = parse_qs(urlsplit(self.path).query).get("token")
            ok = token is None or given == [token]
            body = json.dumps({"model_file": "fake.tar.gz"} if ok else {}).encode()
            self.send_response(200 if ok else 401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", port), Status)
    if os.environ.get("FAKE_RASA_MODE") == "brief":  # serves two seconds, then dies with 3
        import threading

        threading.Thread(target=server.serve_forever, daemon=True).start()
        time.sleep(2)
        return 3
    server.serve_forever()
    return 0
"""


def fake_rasa_venv(root: Path) -> Path:
    """A folder shaped like .venv-rasa (bin/rasa, bin/python) whose Rasa is the fake above.

    The environment variables FAKE_RASA_PID_FILE (where the fake writes its pid, and its
    arguments beside it) and FAKE_RASA_MODE ("silent": never answer; "brief": answer for two
    seconds, then exit with 3) steer it."""
    package = root / "fake-packages" / "rasa"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(FAKE_MAIN)
    bin_dir = root / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    python = bin_dir / "python"
    python.write_text(
        "#!/bin/sh\n"
        f'export PYTHONPATH="{package.parent}:$PYTHONPATH"\n'
        f'exec "{sys.executable}" "$@"\n'
    )
    rasa = bin_dir / "rasa"
    rasa.write_text("#!/bin/sh\nexit 1\n")  # RasaServer checks it exists; it runs bin/python
    for path in (python, rasa):
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return root / "venv"
