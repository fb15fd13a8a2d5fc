"""console/ sits beside the channels: it may use the services below it, never a channel or the
dialogue core (until import-linter checks this for the whole project)."""

from __future__ import annotations

import ast
from pathlib import Path

CONSOLE = Path(__file__).resolve().parents[2] / "console"
FORBIDDEN = ("bot.channels", "bot.core", "bot.app", "bot.cli", "telegram", "nlu")


def test_console_imports_no_channel() -> None:
    found = []
    for path in CONSOLE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            found += [(path.name, n) for n in names if n.startswith(FORBIDDEN)]
    assert found == []
