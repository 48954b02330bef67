"""The page (Solara): pick a scenario and arms, change the main settings, run short paired runs
with progress, and read the answer in words, who pays and the difference figures; or open a
finished batch folder. What it shows is the report's own analysis (sim/explore/results.py).

Served by `reformsim app` (sim/app/command.py); the results root is REFORMSIM_APP_OUT.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

import solara
import solara.lab

from sim.app import choices as ch
from sim.config import ScenarioError
from sim.explore import results
from sim.store import ResultsError

OUT = Path(os.environ.get("REFORMSIM_APP_OUT", "results/app"))

chosen = solara.reactive(ch.Choices())
opened = solara.reactive("")  # a batch folder to open instead of running
shown = solara.reactive(None)  # the Answer on the page
problem = solara.reactive("")  # a one-line message when a choice or a folder is refused


@solara.lab.task
def run_choices(c: ch.Choices):
    """Build the scenario, run its batch (resumed if run before) and read its answer."""
    problem.value = ""
    try:
        scenario = ch.build(c)
    except ScenarioError as e:
        problem.value = str(e)
        return None
    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        run_choices.progress = 100 * done / max(total, 1)
        status.value = (f"{done} of {total} runs finished "
                        f"({time.monotonic() - started:.0f} s)")

    answer = results.run(scenario, OUT, c.replications, on_progress=progress)
    shown.value = answer
    return answer


status = solara.reactive("")


def open_folder(path: str) -> None:
    problem.value = ""
    try:
        shown.value = results.read(path)
    except (ResultsError, ScenarioError) as e:
        problem.value = str(e)


@solara.component
def Settings():
    c = chosen.value
    try:
        full = ch.shipped(c.scenario)
    except ScenarioError as e:
        solara.Error(str(e))
        return
    arms = list(full.arms)
    picked = list(c.arms or ch.default_arms(full))
    opts = ch.options()

    def set_(**kw):
        chosen.value = replace(chosen.value, **kw)

    solara.Select("Scenario", values=list(ch.SCENARIOS), value=c.scenario,
                  on_value=lambda v: set_(scenario=v, arms=(), variant_of=None,
                                          reform_week=None))
    solara.Markdown(full.description)
    solara.SelectMultiple("Arms to compare (the first is the baseline)", all_values=arms,
                          values=picked, on_value=lambda v: set_(arms=tuple(v)))
    if full.base.run.reform_week >= 0:
        default = ch.build(replace(c, arms=(), variant_of=None)).base.run.reform_week
        week = c.reform_week if c.reform_week is not None else default
        solara.SliderInt(f"Reform week: {week} (weeks into the reported run)", value=week,
                         min=1, max=c.weeks - 1,
                         on_value=lambda v: set_(reform_week=v))
    solara.SliderInt(f"Reported weeks: {c.weeks}", value=c.weeks, min=10, max=104,
                     on_value=lambda v: set_(weeks=v, reform_week=None))
    solara.SliderInt(f"Replications: {c.replications} (paired seeds)", value=c.replications,
                     min=2, max=6, on_value=lambda v: set_(replications=v))
    none = "none"
    solara.Select("Add a variant of an arm with other rules", values=[none, *arms],
                  value=c.variant_of or none,
                  on_value=lambda v: set_(variant_of=None if v == none else v))
    if c.variant_of is not None:
        if ch.scheme(full) is not None:
            solara.Select("Choice regime", values=list(opts["regime"]), value=c.regime,
                          on_value=lambda v: set_(regime=v))
            solara.Select("Payment design", values=list(opts["design"]), value=c.design,
                          on_value=lambda v: set_(design=v))
            if c.design == ch.BY_RESULT_SHARE:
                solara.SliderFloat(f"Result share of expected revenue: {c.result_share:.2f}",
                                   value=c.result_share, min=0.0, max=1.0, step=0.05,
                                   on_value=lambda v: set_(result_share=v))
                solara.SliderFloat(f"Tiering: {c.tiering:g} (tier 3's result is 1 + this "
                                   "times tier 1's)",
                                   value=c.tiering, min=0.0, max=3.0, step=0.25,
                                   on_value=lambda v: set_(tiering=v))
        solara.Select("Funding model", values=list(opts["funding"]), value=c.funding,
                      on_value=lambda v: set_(funding=v))
    solara.Button("Run", color="primary", on_click=lambda: run_choices(chosen.value),
                  disabled=run_choices.pending, classes=["run-button"])
    solara.Text(f"Runs at a quick size: about {ch.PERSONS:,} persons, {ch.BURN_IN} weeks of "
                f"burn-in; results go to {OUT}/.")


@solara.component
def OpenBatch():
    found = [str(p) for p in results.finished_batches(OUT.parent if OUT.name == "app" else OUT)]
    found += [str(p) for p in results.finished_batches(OUT) if str(p) not in found]
    solara.InputText("Or open a finished batch folder", value=opened, continuous_update=True)
    if found:
        solara.Select("Batches found", values=found, value=opened.value or None,
                      on_value=opened.set)
    solara.Button("Open", on_click=lambda: open_folder(opened.value),
                  disabled=not opened.value)


@solara.component
def AnswerView(answer: results.Answer):
    solara.Markdown(f"### The answer\n\nFrom `{answer.folder}`: "
                    f"{answer.analysis.summary.n} runs.")
    with solara.Column(classes=["answer"]):
        for paragraph in answer.sentences:
            solara.Markdown(paragraph)
    tables = answer.who_pays()
    if tables:
        solara.Markdown("### Who pays")
        for title, header, body in tables:
            rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            rows += ["| " + " | ".join(r) + " |" for r in body]
            solara.Markdown(f"**{title}**\n\n" + "\n".join(rows))
    solara.Markdown("### Figures")
    for chart in answer.figures():
        with solara.Card(chart.title, classes=["figure"]):
            solara.Image(chart.png(), width="100%")
            solara.Text(chart.caption)


@solara.component
def Page():
    solara.Title("reformsim: try a reform")
    with solara.Columns([1, 2]):
        with solara.Column():
            Settings()
            OpenBatch()
        with solara.Column():
            Results()


@solara.component
def Results():
    solara.Markdown("## What would a reform change?\n\nPick a scenario and the arms to "
                    "compare on the left, change the rules if you like, and press **Run**. "
                    "Runs are short and small, so differences are noisy: read the intervals. "
                    "For an answer to rely on, run `reformsim batch` at full size.")
    if run_choices.pending:
        solara.ProgressLinear(run_choices.progress or True)
        solara.Text(status.value or "starting...", classes=["progress-text"])
    if run_choices.error:
        solara.Error(f"The run failed: {run_choices.exception}")
    if problem.value:
        solara.Error(problem.value)
    if shown.value is not None:
        AnswerView(shown.value)
