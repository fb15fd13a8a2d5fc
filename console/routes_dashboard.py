"""The dashboard: the figures the office reports upward, for a chosen period, as SVG charts with
a table and a CSV download each."""

from __future__ import annotations

import datetime as dt

from starlette.responses import Response
from starlette.routing import Route

from console.figures import build_dashboard
from console.web import Deps, NotFound, Req, guard

DEFAULT_DAYS = 30  # as `courier-aid report handoff` without dates
MAX_DAYS = 366


def period(req: Req) -> tuple[dt.date, dt.date, str | None]:
    """The period asked for (`from`, `to`), else the last 30 days up to today (local)."""
    today = req.now.astimezone(req.deps.config.zone).date()
    default = (today - dt.timedelta(days=DEFAULT_DAYS - 1), today)
    try:
        end = dt.date.fromisoformat(req.query["to"]) if req.query.get("to") else today
        start = (
            dt.date.fromisoformat(req.query["from"])
            if req.query.get("from")
            else end - dt.timedelta(days=DEFAULT_DAYS - 1)
        )
    except ValueError:
        return *default, "日期格式应为 2026-11-29，已显示最近 30 天。"
    if end < start:
        return *default, "结束日期早于开始日期，已显示最近 30 天。"
    if (end - start).days >= MAX_DAYS:
        return *default, f"一次最多看 {MAX_DAYS} 天，已显示最近 30 天。"
    return start, end, None


def routes(deps: Deps) -> list[Route]:
    def dashboard(req: Req) -> Response:
        start, end, problem = period(req)
        with deps.uow() as session:
            board = build_dashboard(session, start, end, deps.config.zone_name,
                                    deps.config.topic_titles)  # fmt: skip
        return req.render("dashboard.html", board=board, problem=problem,
                          query=f"from={start.isoformat()}&to={end.isoformat()}")  # fmt: skip

    def chart_csv(req: Req) -> Response:
        start, end, _problem = period(req)
        with deps.uow() as session:
            board = build_dashboard(session, start, end, deps.config.zone_name,
                                    deps.config.topic_titles)  # fmt: skip
        try:
            chart = board.chart(str(req.params["key"]))
        except KeyError:
            raise NotFound from None
        name = f"{chart.key}_{start.isoformat()}_{end.isoformat()}.csv"
        return Response(
            chart.csv(),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )

    return [
        Route("/", guard(deps, dashboard), methods=["GET"]),
        Route("/charts/{key}.csv", guard(deps, chart_csv), methods=["GET"]),
    ]
