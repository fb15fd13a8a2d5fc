"""The SVG charts: well-formed, every label escaped (an entry point is a QR scene anyone can
craft), numbers in the table and CSV."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from console.charts import Chart, Series

EVIL = '<script>alert("x")</script>&'


def _chart(kind: str, labels: tuple[str, ...], *series: Series) -> Chart:
    return Chart("k", "标题 <b>", kind, labels, series)  # type: ignore[arg-type]


def test_labels_and_titles_are_escaped_and_the_svg_parses() -> None:
    for kind in ("hbar", "line"):
        chart = _chart(kind, (EVIL, "二"), Series(EVIL, (3.0, 1.0)), Series("乙", (0.0, 2.0)))
        svg = str(chart.svg())
        assert "<script>" not in svg and "&lt;script&gt;" in svg
        root = ET.fromstring(svg)
        assert root.tag.endswith("svg") and root.get("role") == "img"


def test_bars_scale_to_the_largest_value() -> None:
    svg = ET.fromstring(str(_chart("hbar", ("a", "b"), Series("n", (4.0, 2.0))).svg()))
    widths = [float(r.get("width", 0)) for r in svg.iter("{http://www.w3.org/2000/svg}rect")]
    assert widths[0] == 2 * widths[1]


def test_empty_chart_says_so() -> None:
    assert "这段时间没有数据" in str(_chart("line", ("d",), Series("n", (0.0,))).svg())


def test_table_and_csv() -> None:
    chart = _chart("hbar", ("甲", "乙"), Series("个案数", (2.0, 0.5)))
    assert chart.header() == ["项目", "个案数"]
    assert chart.rows() == [["甲", "2"], ["乙", "0.5"]]
    assert chart.csv() == "\ufeff项目,个案数\r\n甲,2\r\n乙,0.5\r\n"
