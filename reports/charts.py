"""The report's charts: Plotly figures rendered as HTML fragments that call the plotly.js written once beside
the pages (no CDN, no web font: the report opens offline from the file system)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

PLOTLY_JS = "plotly.min.js"
FONT = "Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
# Wide enough to read, narrow enough for an A4 page in portrait (about 180 mm of print width).
WIDTH = 680
THRESHOLD_LABEL_WIDTH = 130  # room right of a trend's plot for "≥ 100,00%: 4,00 điểm"
_CONFIG = {"displaylogo": False, "displayModeBar": False, "responsive": False}


def plotly_js() -> str:
    return get_plotlyjs()


def _html(figure: go.Figure, chart_id: str, right_margin: int = 10) -> str:
    # One update of the layout: each of Plotly's updates validates the whole figure again.
    figure.update_layout(
        font={"family": FONT, "size": 12},
        width=WIDTH,
        margin={"l": 10, "r": right_margin, "t": 40, "b": 10},
        xaxis={"automargin": True},
        yaxis={"automargin": True},
    )
    return figure.to_html(
        full_html=False, include_plotlyjs=False, include_mathjax=False, div_id=chart_id, config=_CONFIG
    )


def ranked_bars(chart_id: str, title: str, names: Sequence[str], percents: Sequence[float]) -> str:
    """CHỈ SỐ of agencies as horizontal bars, the highest on top (`names`, `percents` highest first)."""
    figure = go.Figure(
        go.Bar(
            x=list(percents)[::-1],
            y=list(names)[::-1],
            orientation="h",
            text=[f"{p:.2f}".replace(".", ",") for p in list(percents)[::-1]],
            textposition="auto",
            marker_color="#1f5f9e",
            hovertemplate="%{y}: %{x:.2f}%<extra></extra>",
        )
    )
    figure.update_layout(title=title, height=120 + 26 * len(names), xaxis={"range": [0, 100], "title": "%"})
    return _html(figure, chart_id)


def area_heat_map(
    chart_id: str, title: str, agencies: Sequence[str], areas: Sequence[str], shares: Sequence[Sequence]
) -> str:
    """Share of each area's maximum (0–100%) per agency (rows) and area (columns); None where not scored."""
    text = [["" if v is None else f"{v:.0f}" for v in row] for row in shares]
    figure = go.Figure(
        go.Heatmap(
            z=[list(row) for row in shares],
            x=list(areas),
            y=list(agencies),
            zmin=0,
            zmax=100,
            colorscale="RdYlGn",
            text=text,
            texttemplate="%{text}",
            hovertemplate="%{y} · %{x}: %{z:.1f}%<extra></extra>",
            colorbar={"title": "%"},
        )
    )
    figure.update_layout(title=title, height=160 + 26 * len(agencies))
    figure.update_yaxes(autorange="reversed")
    return _html(figure, chart_id)


def area_scores(
    chart_id: str, title: str, areas: Sequence[str], maxima: Sequence[float], scores: Sequence[float]
) -> str:
    """Score per area beside its maximum."""
    figure = go.Figure(
        [
            go.Bar(name="Điểm tối đa", x=list(areas), y=list(maxima), marker_color="#c9d6e3"),
            go.Bar(name="Điểm đạt", x=list(areas), y=list(scores), marker_color="#1f5f9e"),
        ]
    )
    figure.update_layout(title=title, barmode="group", height=360, legend={"orientation": "h", "y": -0.2})
    return _html(figure, chart_id)


def status_counts(
    chart_id: str, title: str, statuses: Sequence[str], counts: Sequence[int], colours: Sequence[str]
) -> str:
    figure = go.Figure(
        go.Bar(x=list(statuses), y=list(counts), text=list(counts), marker_color=list(colours))
    )
    figure.update_layout(title=title, height=300)
    return _html(figure, chart_id)


def monthly_trend(
    chart_id: str,
    title: str,
    months: Sequence[str],
    percents: Sequence[float | None],
    thresholds: Sequence[tuple[float, str]],
) -> str:
    """A rate per month as a line with markers (a month without cases leaves a gap), and each threshold
    (percent, label) as a dashed horizontal line labelled right of the plot. The axis starts at the tens
    below the lowest point or line, so that close thresholds (95% and 100%) stay apart."""
    figure = go.Figure(
        go.Scatter(
            x=list(months),
            y=list(percents),
            mode="lines+markers",
            line={"color": "#1f5f9e"},
            hovertemplate="%{x}: %{y:.2f}%<extra></extra>",
            showlegend=False,
        )
    )
    lowest = min([p for p in percents if p is not None] + [percent for percent, _ in thresholds])
    bottom = max(0, math.floor((lowest - 5) / 10) * 10)
    # The lines and labels that `add_hline(annotation_position="right")` would add, given in one update:
    # add_hline costs about 10 ms a line, most of the report's time.
    figure.update_layout(
        title={"text": title, "font": {"size": 14}},
        height=300,
        yaxis={"range": [bottom, 105], "title": "%"},
        xaxis={"type": "category"},
        shapes=[
            {
                "type": "line",
                "xref": "x domain",
                "x0": 0,
                "x1": 1,
                "yref": "y",
                "y0": percent,
                "y1": percent,
                "line": {"color": "#b5651d", "dash": "dash", "width": 1},
            }
            for percent, _ in thresholds
        ],
        annotations=[
            {
                "text": label,
                "font": {"size": 10},
                "showarrow": False,
                "xref": "x domain",
                "x": 1,
                "xanchor": "left",
                "yref": "y",
                "y": percent,
                "yanchor": "middle",
            }
            for percent, label in thresholds
        ],
    )
    return _html(figure, chart_id, right_margin=THRESHOLD_LABEL_WIDTH)
