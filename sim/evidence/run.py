"""`reformsim validate --evidence`: run the check, print the table, write the report.

Exit code 0 when every target passes or is a known gap, 1 when one drifted. The full check
writes results/validation/ (report.md with the table, figures, evidence.json); the quick
one prints and writes evidence.json only.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from sim.evidence import check, figures, table

OUT = Path("results") / "validation"


def main(quick: bool = False, as_json: bool = False, workers: int | None = None,
         out: Path = OUT) -> int:
    from tqdm import tqdm

    workers = workers or max(1, os.cpu_count() or 1)
    runs = sum(len(check._tasks(s, quick)) for s in check.STUDIES if s.quick or not quick)
    with tqdm(total=runs, unit="run", desc="evidence", disable=as_json or not sys.stderr.isatty(),
              leave=False) as bar:
        rows = check.run(quick=quick, workers=workers, progress=bar)
    out.mkdir(parents=True, exist_ok=True)
    record = [r.as_dict() for r in rows]
    (out / "evidence.json").write_text(json.dumps(record, indent=1, default=float) + "\n")
    if not quick:
        write_report(rows, out)
    if as_json:
        print(json.dumps(record, indent=1, default=float))
    else:
        print(table.plain(rows))
        drift = check.failed(rows)
        print(f"\n{len(rows)} targets: {sum(r.status == 'pass' for r in rows)} pass, "
              f"{sum(r.status == 'known gap' for r in rows)} known gaps, {len(drift)} failed"
              + ("" if quick else f"; report: {out / 'report.md'}"))
    return 1 if check.failed(rows) else 0


def write_report(rows: list, out: Path) -> Path:
    """results/validation/report.md: the table, what was fitted, figures."""
    drawn = figures.draw(rows, out)
    md = ["# reformsim: the model against the evidence", "",
          "Each row is a target from `scenarios/evidence.md`, the model's value with its 95 % "
          "interval across replications, and whether a parameter was fitted to it "
          "(**calibrated**) or not (**independent**). Known gaps are shown with their "
          "reasons.", "", table.markdown(rows), ""]
    gaps = [r for r in rows if r.target.known_gap]
    if gaps:
        md += ["## Known gaps", ""] + [f"- **{r.target.label}**: {r.target.known_gap}"
                                        for r in gaps] + [""]
    for name, caption in drawn:
        md += [f"![{caption}]({name})", "", caption, ""]
    path = out / "report.md"
    path.write_text("\n".join(md))
    return path
