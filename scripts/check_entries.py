"""Validate knowledge entry files without installing the app: python3 scripts/check_entries.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from knowledge.loader import (
    KnowledgeError,
    check_entries,
    load_entries,
    load_fact_rows,
    load_topics,
)

shared = Path(__file__).resolve().parent.parent.parent / "shared" / "knowledge-facts.md"
try:
    entries = load_entries()
except KnowledgeError as exc:
    print(exc)
    sys.exit(1)
facts = load_fact_rows(shared) if shared.exists() else None
problems = check_entries(entries, load_topics(), facts, require_all_topics="--all" in sys.argv)
print("\n".join(problems) or f"ok: {len(entries)} entries")
sys.exit(1 if problems else 0)
