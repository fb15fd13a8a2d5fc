"""The handoff's texts: Jinja2 templates under handoff/templates (Telegram HTML subset).

One `Environment` with autoescape and StrictUndefined. Courier-facing lines are macros in
`courier.html`, staff-facing ones in `staff.html`; cards, briefs and transcripts have their own
templates. Everything a person typed is passed in as a variable, so it is escaped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment

from knowledge import render as knowledge_render
from knowledge.hotlines import catalogue

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def make_environment(templates_dir: Path = TEMPLATES_DIR) -> Environment:
    """The knowledge environment's settings for the handoff's templates, with the hotline
    catalogue as the global `hotline` (set here too, so this module says where it comes from)."""
    env = knowledge_render.make_environment(templates_dir)
    env.globals["hotline"] = catalogue()
    return env


class HandoffText:
    def __init__(self, env: Environment | None = None) -> None:
        self._env = env or make_environment()

    def courier(self, name: str, **context: Any) -> str:
        """A courier-facing macro from courier.html, e.g. `courier("claimed", alias=..)`."""
        return self._macro("courier.html", name, context)

    def staff(self, name: str, **context: Any) -> str:
        """A staff-facing macro from staff.html."""
        return self._macro("staff.html", name, context)

    def page(self, template: str, **context: Any) -> str:
        """A whole template: card.html, brief.html, transcript.html."""
        return self._env.get_template(template).render(**context).strip()

    def _macro(self, template: str, name: str, context: dict[str, Any]) -> str:
        macro = getattr(self._env.get_template(template).module, name)
        return str(macro(**context)).strip()
