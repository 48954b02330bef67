"""A batch's report for policy readers: the answer in words, who pays, differences with
intervals, and every outcome; report.md with PNG figures and one self-contained report.html.

Modules, each with one job: `analysis` (one pass over a batch: summary, ledgers' budget,
paired comparison, sentences), `budget` (each run's spending by payer and programme from its
ledger, transfers between governments netted), `answer` and `wording` (the sentences and
their rules), `tables` (headline and full tables), `weekly` (the tidy weekly dataset: levels
and paired differences by week with t intervals), `chart`, `who_pays`, `over_time` and
`by_tier` (figures), `build` (writing the files through the jinja2 templates in templates/).
"""

from sim.report.analysis import Analysis, analyse
from sim.report.build import CSV_FILE, HTML_FILE, REPORT_FILE, Written, make_report

__all__ = ["CSV_FILE", "HTML_FILE", "REPORT_FILE", "Analysis", "Written", "analyse",
           "make_report"]
