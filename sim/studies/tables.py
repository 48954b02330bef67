"""A sensitivity study's ranked table: printed, and written as CSV beside the runs.

`ranking.csv` has one row per uncertain setting (its range, overall score and rank, and its
main index for every outcome); `indices.csv` every index with its interval, long format;
`design.csv` the design points with the outcomes they gave.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np


def _main(result) -> tuple[str, str]:
    return ("mu_star", "mu_star_conf") if result.method == "morris" else ("ST", "ST_conf")


def ranking_rows(result) -> list[dict]:
    key, conf = _main(result)
    score = result.score()
    rows = []
    for rank, i in enumerate(result.order(), start=1):
        r = result.ranges[i]
        row = {"rank": rank, "setting": r.path, "low": r.low, "high": r.high,
               "score": round(float(score[i]), 4)}
        for label in result.labels:
            row[f"{key} {label}"] = float(result.indices[label][key][i])
            row[f"{conf} {label}"] = float(result.indices[label][conf][i])
        rows.append(row)
    return rows


def write(result, folder: Path, command: str) -> list[Path]:
    folder = Path(folder)
    written = [_csv(folder / "ranking.csv", ranking_rows(result))]
    long = []
    for label in result.labels:
        for i, r in enumerate(result.ranges):
            long.append({"outcome": label, "setting": r.path,
                         **{k: float(v[i]) for k, v in result.indices[label].items()}})
    written.append(_csv(folder / "indices.csv", long))
    design = [{**{r.path: x for r, x in zip(result.ranges, xs, strict=True)},
               **{label: float(v) for label, v in zip(result.labels, ys, strict=True)}}
              for xs, ys in zip(result.x, result.y, strict=True)]
    written.append(_csv(folder / "design.csv", design))
    meta = {"command": command, "method": result.method, "outcomes": result.labels,
            "settings": [{"path": r.path, "low": r.low, "high": r.high}
                         for r in result.ranges], "points": len(result.x)}
    path = folder / "sensitivity.json"
    path.write_text(json.dumps(meta, indent=1) + "\n")
    return [*written, path]


def _csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def plain(result) -> str:
    """The ranking as text: setting, range, score, then the main index per outcome."""
    key, conf = _main(result)
    score = result.score()
    name = "mu*" if key == "mu_star" else "ST"
    lines = [f"{result.method.capitalize()} ranking ({len(result.x)} design points); score = "
             f"{name} over the largest {name}, averaged over outcomes"]
    width = max(len(r.path) for r in result.ranges)
    lines.append(f"{'#':>2}  {'setting':<{width}}  {'range':>21}  {'score':>5}")
    for rank, i in enumerate(result.order(), start=1):
        r = result.ranges[i]
        rng = f"[{_num(r.low)}, {_num(r.high)}]"
        lines.append(f"{rank:>2}  {r.path:<{width}}  {rng:>21}  {score[i]:5.2f}")
    for label in result.labels:
        idx = result.indices[label]
        lines.append(f"\n{name} for {label} (+/- 95 % interval):")
        for i in np.argsort(-np.nan_to_num(idx[key]), kind="stable"):
            lines.append(f"  {result.ranges[i].path:<{width}}  {_num(idx[key][i]):>10} "
                         f"+/- {_num(idx[conf][i])}")
    return "\n".join(lines)


def _num(x: float) -> str:
    x = float(x)
    if not np.isfinite(x):
        return "nan"
    if x != 0 and (abs(x) >= 1e5 or abs(x) < 1e-3):
        return f"{x:.3g}"
    return f"{x:.4g}"
