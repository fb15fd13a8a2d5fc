"""stub"""

from __future__ import annotations

from starlette.routing import Route

from console.web import Deps


def routes(deps: Deps) -> list[Route]:
    return []
