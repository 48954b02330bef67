"""The evidence table for a terminal, and as Markdown for results/validation/report.md."""

from __future__ import annotations

import math

from sim.evidence.check import Row

SCALE = {"share": (100.0, "%"), "hours": (1.0, "h"), "money": (1.0, "SEK"),
         "number": (1.0, ""), "ratio": (1.0, "")}


def _fmt(value: float, unit: str) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    scale, _ = SCALE[unit]
    v = value * scale
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.2f}" if abs(v) < 10 else f"{v:.1f}"


def target_text(row: Row) -> str:
    t = row.target
    scale, symbol = SCALE[t.unit]
    if isinstance(t.target, tuple):
        text = f"{_fmt(t.target[0], t.unit)} to {_fmt(t.target[1], t.unit)}"
    else:
        text = _fmt(t.target, t.unit)
    return f"{text} ± {_fmt(t.tolerance, t.unit)} {symbol}".rstrip()


def simulated_text(row: Row) -> str:
    low, high = row.interval
    text = _fmt(row.mean, row.target.unit)
    if math.isfinite(low):
        text += f" [{_fmt(low, row.target.unit)}, {_fmt(high, row.target.unit)}]"
    return text


HEADER = ("target", "kind", "evidence", "simulated [95 % CI]", "status", "source")


def lines(rows: list[Row]) -> list[list[str]]:
    return [[r.target.label, r.target.kind, target_text(r), simulated_text(r), r.status,
             r.target.source] for r in rows]


def plain(rows: list[Row]) -> str:
    body = lines(rows)
    widths = [max(len(x[i]) for x in [list(HEADER), *body]) for i in range(len(HEADER) - 1)]
    out = ["  ".join(h.ljust(w) for h, w in zip(HEADER, widths, strict=False))]
    for line in body:
        out.append("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=False))
                   + "  " + line[-1])
    gaps = [r for r in rows if r.status == "known gap"]
    for r in gaps:
        out.append(f"known gap: {r.target.label}: {r.target.known_gap}")
    return "\n".join(out)


def markdown(rows: list[Row]) -> str:
    out = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    out += ["| " + " | ".join(line) + " |" for line in lines(rows)]
    notes = [f"- **{r.target.label}** ({r.target.kind}): {r.target.note}" for r in rows
             if r.target.note]
    return "\n".join(out + ["", "What was fitted, or what a comparison means:", "", *notes])
