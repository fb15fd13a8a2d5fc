"""stub"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from console.web import Deps, Req, guard


def routes(deps: Deps) -> list[Route]:
    def home(req: Req) -> Response:
        return req.render("error.html", title="数据", message="…")

    return [Route("/", guard(deps, home), methods=["GET"])]
