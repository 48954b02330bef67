"""A report figure: a matplotlib `Figure` (no pyplot state) with its title and one sentence
saying what it shows; PNG bytes for report.md's files and for the HTML's embedded images."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

DPI = 100


@dataclass
class Chart:
    name: str  # its file name beside report.md, e.g. "differences.png"
    title: str
    caption: str  # one sentence: what the figure shows
    figure: Figure
    _png: bytes | None = field(default=None, repr=False)

    def png(self) -> bytes:
        if self._png is None:
            buffer = io.BytesIO()
            self.figure.savefig(buffer, format="png", dpi=DPI)
            self._png = buffer.getvalue()
        return self._png

    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png()).decode("ascii")

    def unlabelled_axes(self) -> list[str]:
        """Titles of visible panels that lack an x or y label (a test holds this empty)."""
        return [ax.get_title() or "?" for ax in self.figure.axes
                if ax.get_visible() and ax.has_data()
                and not (ax.get_xlabel() and ax.get_ylabel())]


def new_figure(width: float, height: float, title: str) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    fig.suptitle(title)
    return fig


def colours(n: int):
    from matplotlib import colormaps

    cmap = colormaps["tab10"]
    return [cmap(i % 10) for i in range(n)]


def percent_axis(ax, points: bool = False) -> None:
    """Shares on a per-cent axis (values 0..1); `points`: differences in pp."""
    if points:
        ax.yaxis.set_major_formatter(FuncFormatter(_points))
    else:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))


def _points(value: float, _) -> str:
    pp = round(value * 100, 6)
    return f"{pp:+g}" if pp else "0"


def millions_axis(ax) -> None:
    """Millions, with the decimals the axis needs: a small world's changes are fractions of a
    million, which whole millions would show as a column of zeros."""
    def millions(value: float, _) -> str:
        low, high = ax.get_ylim()
        span = abs(high - low) / 1e6
        decimals = 0 if span >= 5 else 1 if span >= 0.5 else 2
        return f"{round(value / 1e6, decimals) or 0.0:,.{decimals}f}"  # no "-0"

    ax.yaxis.set_major_formatter(FuncFormatter(millions))
