"""Render knowledge entries and dialogue replies through Jinja2 templates (Telegram HTML subset).

One `Environment` with autoescape for .html and StrictUndefined. A courier's text is only ever
passed in as a variable (escaped), never compiled as a template.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from knowledge.calculators import Calculation
from knowledge.hotlines import catalogue
from knowledge.schema import Entry

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def make_environment(templates_dir: Path = TEMPLATES_DIR, **options: Any) -> Environment:
    """The project's Jinja2 settings (autoescape, StrictUndefined, no reload) for one folder of
    templates; the handoff and the reminders use it for theirs. `options`: e.g. trim_blocks.

    Every template sees the hotline catalogue as `hotline` (`{{ hotline.psych.number }}`)."""
    env = Environment(
        loader=FileSystemLoader(templates_dir),
        autoescape=select_autoescape(enabled_extensions=("html",), default=True),
        undefined=StrictUndefined,
        keep_trailing_newline=False,
        auto_reload=False,  # templates ship with the code; no stat() per render
        **options,
    )
    env.globals["hotline"] = catalogue()
    return env


class Renderer:
    def __init__(self, env: Environment | None = None) -> None:
        self._env = env or make_environment()

    def _render(self, name: str, **context: object) -> str:
        return self._env.get_template(name).render(**context).strip()

    def answer(self, entry: Entry, *, degraded: bool = False, place: str | None = None) -> str:
        return self._render("answer.html", entry=entry, degraded=degraded, place=place)

    def detail(self, entry: Entry) -> str:
        return self._render("detail.html", entry=entry)

    def smalltalk(self, entry: Entry) -> str:
        return self._render("smalltalk.html", entry=entry)

    def handoff(
        self, entry: Entry, role_label: str | None = None, *, person_coming: bool = True
    ) -> str:
        """`role_label`: the kind of staff already asked for, when the courier named one;
        `person_coming`: whether such a person could come now (never promised otherwise)."""
        return self._render(
            "handoff.html", entry=entry, role_label=role_label, person_coming=person_coming
        )

    def clarify(self, titles: list[str]) -> str:
        return self._render("clarify.html", titles=titles)

    def fallback(self, *, degraded: bool) -> str:
        return self._render("fallback.html", degraded=degraded)

    def crisis(self, kind: str, *, person_coming: bool = True) -> str:
        """`person_coming`: a counsellor or coordinator is registered and on duty; otherwise
        the reply says plainly that nobody can come now, and the hotlines carry it."""
        return self._render("crisis.html", kind=kind, person_coming=person_coming)

    def calc_result(self, title: str, result: Calculation) -> str:
        return self._render(
            "calc_result.html", title=title, amount=format(result.amount, ",.2f"), result=result
        )
