"""The model's matching function, estimated as the literature estimates it (evidence.md 5.3).

Why: the kernel (sim/kernels/matching.py) builds hires from applications, screening and offers;
no matching function is assumed. Whether the result behaves like the aggregate one the
literature finds (Cobb-Douglas with constant returns, elasticity with respect to unemployment
0.5-0.7: Petrongolo & Pissarides 2001) is a property to measure, not to hope for.

Design: the scenario's behaviour on a world of several local labour markets of different size,
run at a grid of vacancy and separation rates (designed variation: demand and inflow shift U and
V independently). Each (run, market, block of weeks) is one observation of hires H, seekers U
and open vacancies V at matching (the stocks the kernel matched, so no lagged-stock bias, Forslund
& Johansson 2007); OLS of log H on log U and log V, standard errors clustered by (run, market),
since weeks of one market are serially correlated. The Beveridge curve is the slope of log V on
log U across the demand levels at the scenario's own separation rate, with market fixed effects
(steady-state means after burn-in).

The technology, with the pool's composition held fixed: each reported week of the scenario's own
rates, the kernel runs again on the same inputs with 70 % of the seekers (or of the vacancies, or
of both) kept at random. This is the elasticity that decides how much extra search by some
displaces others' hires. The regression's is lower for seekers: across the design, a tighter
market also has a fresher, more employable pool, and the regression credits that to vacancies.
One parameter was fitted here (`FITTED`); every other figure is an outcome.

`python -m sim.evidence.matching scenarios/municipality_se.toml` prints the estimates.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

from sim.config import Config, load, override_config
from sim.kernels import rng

S_THIN = rng.stream_id("evidence-thinning")  # which seekers and vacancies a thinning keeps

# What was fitted: the one estimate a parameter was tuned to (scenarios/municipality_se.toml);
# every other figure here is an outcome, not a target.
FITTED = {"technology_seekers": "labour_market.employer_contacts"}
MARKET_SIZES = (4_000, 6_000, 9_000, 13_000, 19_000, 28_000)  # 79,000: municipality_se's size
VACANCY_FACTORS = (0.55, 0.7, 1.0, 1.4, 1.8)  # demand, relative to the scenario's vacancy rate
SEPARATION_FACTORS = (0.8, 1.0, 1.25)  # inflow, relative to the scenario's separation rate


@dataclass(frozen=True)
class MatchingEstimate:
    elasticity_seekers: float
    se_seekers: float
    elasticity_vacancies: float
    se_vacancies: float
    returns_to_scale: float  # the sum of the two elasticities
    se_returns: float
    beveridge_slope: float  # d log V / d log U along demand shifts
    se_beveridge: float
    observations: int
    clusters: int
    vacancy_fill_share: float  # filled over filled + expired, the scenario's own rates
    # (elasticity, standard error) with the pool's composition held fixed (`Thinning`)
    technology_seekers: tuple[float, float]
    technology_vacancies: tuple[float, float]
    technology_scale: tuple[float, float]

    def lines(self) -> list[str]:
        fitted = f"calibrated: {FITTED['technology_seekers']} fitted to 0.65"
        return [
            f"elasticity of hires w.r.t. seekers    {self.elasticity_seekers:6.3f} "
            f"(se {self.se_seekers:.3f})   literature 0.5-0.7 (evidence.md 5.3)",
            f"elasticity of hires w.r.t. vacancies  {self.elasticity_vacancies:6.3f} "
            f"(se {self.se_vacancies:.3f})",
            f"returns to scale (sum)                {self.returns_to_scale:6.3f} "
            f"(se {self.se_returns:.3f})   constant returns: 1",
            f"Beveridge curve d log V / d log U     {self.beveridge_slope:6.3f} "
            f"(se {self.se_beveridge:.3f})",
            f"vacancies filled (not expired)        {self.vacancy_fill_share:6.3f}",
            "with the pool's composition held fixed (seekers or vacancies thinned to 70 %):",
            *(f"  elasticity w.r.t. {name:<20s}{e:6.3f} (se {se:.3f}){note}"
              for name, (e, se), note in (
                  ("seekers", self.technology_seekers, "   " + fitted),
                  ("vacancies", self.technology_vacancies, ""),
                  ("both (scale)", self.technology_scale, ""))),
            f"observations {self.observations} in {self.clusters} run-market clusters",
        ]


def ols_clustered(y: np.ndarray, x: np.ndarray, cluster: np.ndarray):
    """OLS coefficients and their cluster-robust covariance (CR1: small-sample corrected)."""
    n, k = x.shape
    xtx_inv = np.linalg.inv(x.T @ x)
    beta = xtx_inv @ (x.T @ y)
    resid = y - x @ beta
    groups = np.unique(cluster, return_inverse=True)[1]
    g = groups.max() + 1
    scores = np.zeros((g, k))
    np.add.at(scores, groups, x * resid[:, None])
    meat = scores.T @ scores
    scale = g / (g - 1) * (n - 1) / (n - k)
    return beta, scale * xtx_inv @ meat @ xtx_inv


class PanelRecorder:
    """An observer of the labour market's matching: seekers, open vacancies and hires by
    market each reported week, as the kernel saw them."""

    def __init__(self):
        self.rows: list[tuple] = []

    def __call__(self, week: int, inputs: dict, hired_vac: np.ndarray) -> None:
        if week < 0:
            return
        s_ptr, v_ptr = inputs["seeker_ptr"], inputs["vac_ptr"]
        n = len(s_ptr) - 1
        n_occ = (len(v_ptr) - 1) // max(n, 1)
        market = np.searchsorted(s_ptr, np.flatnonzero(hired_vac >= 0), side="right") - 1
        self.rows.append((week, np.diff(s_ptr), np.diff(v_ptr[::n_occ]) if n else s_ptr[:0],
                          np.bincount(market, minlength=n)))

    def panel(self) -> dict[str, np.ndarray]:
        n = len(self.rows[0][1])
        return {
            "week": np.repeat([r[0] for r in self.rows], n),
            "market": np.tile(np.arange(n), len(self.rows)),
            **{name: np.concatenate([r[k] for r in self.rows]).astype(float)
               for k, name in ((1, "seekers"), (2, "vacancies"), (3, "hires"))},
        }


class Thinning:
    """An observer that re-runs each reported week's matching with a random share `keep` of
    the seekers, of the vacancies, or of both (the same people and vacancies otherwise, with
    their own draws): the matching technology's elasticities with the pool's composition held
    fixed, what decides how much extra search by some displaces others (evidence.md 6)."""

    CASES = ("all", "seekers", "vacancies", "both")

    def __init__(self, keep: float = 0.7, seed: int = 0):
        self.keep, self.seed = keep, seed
        self.hires: list[list[int]] = []

    def __call__(self, week: int, inputs: dict, hired_vac: np.ndarray) -> None:
        if week < 0:
            return
        from sim.kernels.matching import match_week

        u = rng.uniforms(self.seed, S_THIN, week, inputs["seeker_id"])
        keep_s = u < self.keep
        keep_v = rng.uniforms(self.seed, S_THIN, week, inputs["vac_id"], 1) < self.keep
        row = [int(np.sum(hired_vac >= 0))]
        for ks, kv in ((keep_s, None), (None, keep_v), (keep_s, keep_v)):
            row.append(int(np.sum(match_week(**_thinned(inputs, ks, kv))[0] >= 0)))
        self.hires.append(row)

    def elasticities(self, block_weeks: int = 4) -> dict[str, tuple[float, float]]:
        """Elasticity and its delete-a-block jackknife standard error, per thinning."""
        h = np.array(self.hires, dtype=float)
        blocks = np.arange(len(h)) // block_weeks
        out = {}
        for k, case in enumerate(self.CASES[1:], start=1):
            def est(rows, k=k):
                return float(np.log(h[rows, k].sum() / h[rows, 0].sum()) / np.log(self.keep))
            full = est(np.ones(len(h), dtype=bool))
            loo = np.array([est(blocks != b) for b in np.unique(blocks)])
            g = len(loo)
            out[case] = (full, float(np.sqrt((g - 1) / g * np.sum((loo - loo.mean()) ** 2))))
        return out


def _thinned(inputs: dict, keep_s, keep_v) -> dict:
    """Kernel inputs with only the kept seeker rows and vacancy rows (CSR pointers rebuilt)."""
    out = dict(inputs)
    if keep_s is not None:
        ptr = inputs["seeker_ptr"]
        group = np.searchsorted(ptr, np.arange(ptr[-1]), side="right") - 1
        out["seeker_ptr"] = np.r_[0, np.cumsum(np.bincount(group[keep_s],
                                                          minlength=len(ptr) - 1))]
        for name in ("seeker_id", "seeker_occ", "seeker_skill", "seeker_spell", "seeker_apps",
                     "seeker_boost"):
            out[name] = inputs[name][keep_s]
    if keep_v is not None:
        ptr = inputs["vac_ptr"]
        group = np.searchsorted(ptr, np.arange(ptr[-1]), side="right") - 1
        out["vac_ptr"] = np.r_[0, np.cumsum(np.bincount(group[keep_v], minlength=len(ptr) - 1))]
        for name in ("vac_id", "vac_threshold", "vac_wage"):
            out[name] = inputs[name][keep_v]
    return out


def market_panel(config: Config, seed: int, *observers) -> tuple[dict[str, np.ndarray], dict]:
    """Seekers, open vacancies and hires by (week, market) over the reported weeks, and the
    run's summary; further observers of the matching ride along."""
    from sim.model import ReformModel

    model = ReformModel(config, seed=seed)
    recorder = PanelRecorder()
    model.labour_market.observers.extend([recorder, *observers])
    model.run()
    return recorder.panel(), model.metrics.summary()


def blocks(panel: dict, weeks: int) -> dict[str, np.ndarray]:
    """Hires summed and stocks averaged over blocks of `weeks` weeks, per market."""
    block = (panel["week"] - panel["week"].min()) // weeks
    key = block * (panel["market"].max() + 1) + panel["market"]
    keys, inv = np.unique(key, return_inverse=True)
    count = np.bincount(inv)
    out = {name: np.bincount(inv, weights=panel[name]) / count
           for name in ("seekers", "vacancies")}
    out["hires"] = np.bincount(inv, weights=panel["hires"])
    out["market"] = keys % (panel["market"].max() + 1)
    return out


def design(config: Config, sizes=MARKET_SIZES, vacancy_factors=VACANCY_FACTORS,
           separation_factors=SEPARATION_FACTORS, burn_in: int = 156, weeks: int = 104):
    """The runs of the designed variation: (vacancy factor, separation factor, config).

    Every vacancy factor at the scenario's separation rate (the Beveridge curve), and the
    outer two vacancy factors with each other separation factor."""
    lm = config.labour_market
    base = override_config(config, {
        "world.municipalities": [{"name": f"M{i}", "labour_force": n, "market": f"LLM{i}"}
                                 for i, n in enumerate(sizes)],
        "run.burn_in_weeks": burn_in, "run.weeks": weeks, "run.seeker_agents": False})
    pairs = [(v, 1.0) for v in vacancy_factors]
    inner = vacancy_factors[1:-1] if len(vacancy_factors) > 2 else vacancy_factors
    pairs += [(v, s) for s in separation_factors if s != 1.0 for v in (inner[0], inner[-1])]
    return [(v, s, override_config(base, {
        "labour_market.vacancy_rate": lm.vacancy_rate * v,
        "labour_market.separation_rate": lm.separation_rate * s}))
        for v, s in pairs]


def estimate(config: Config, seed: int | None = None, block_weeks: int = 4,
             **design_args) -> MatchingEstimate:
    """Elasticities of the matching function and the Beveridge-curve slope (module docstring)."""
    seed = config.run.seed if seed is None else seed
    ys, xs, clusters, bev, fill = [], [], [], [], np.nan
    thinning = Thinning(seed=seed)
    for r, (v, s, cfg) in enumerate(design(config, **design_args)):
        at_base = v == 1.0 and s == 1.0
        panel, summary = market_panel(cfg, seed, *([thinning] if at_base else []))
        if at_base:
            fill = summary["vacancy_fill_share"]
        b = blocks(panel, block_weeks)
        ok = (b["hires"] > 0) & (b["seekers"] > 0) & (b["vacancies"] > 0)
        ys.append(np.log(b["hires"][ok]))
        xs.append(np.column_stack([np.log(b["seekers"][ok]), np.log(b["vacancies"][ok])]))
        clusters.append(r * 1000 + b["market"][ok])
        if s == 1.0:
            for m in np.unique(panel["market"]):
                at = panel["market"] == m
                bev.append((m, np.log(panel["seekers"][at].mean()),
                            np.log(panel["vacancies"][at].mean())))
    y, x, cluster = np.concatenate(ys), np.vstack(xs), np.concatenate(clusters)
    beta, cov = ols_clustered(y, np.column_stack([np.ones(len(y)), x]), cluster)
    a = np.array([0.0, 1.0, 1.0])
    market, log_u, log_v = (np.array(c) for c in zip(*bev, strict=True))
    slope, se_slope = _within_slope(market, log_u, log_v)
    tech = thinning.elasticities() if thinning.hires else dict.fromkeys(
        Thinning.CASES[1:], (np.nan, np.nan))
    return MatchingEstimate(
        technology_seekers=tech["seekers"], technology_vacancies=tech["vacancies"],
        technology_scale=tech["both"],
        elasticity_seekers=float(beta[1]), se_seekers=float(np.sqrt(cov[1, 1])),
        elasticity_vacancies=float(beta[2]), se_vacancies=float(np.sqrt(cov[2, 2])),
        returns_to_scale=float(a @ beta), se_returns=float(np.sqrt(a @ cov @ a)),
        beveridge_slope=slope, se_beveridge=se_slope,
        observations=len(y), clusters=len(np.unique(cluster)), vacancy_fill_share=fill)


def _within_slope(group, x, y) -> tuple[float, float]:
    """Slope of y on x with a fixed effect per group, and its conventional standard error
    (NaN with fewer than two values of x in a group)."""
    if len(x) <= len(np.unique(group)):
        return float("nan"), float("nan")
    xd, yd = x.copy(), y.copy()
    for g in np.unique(group):
        at = group == g
        xd[at] -= x[at].mean()
        yd[at] -= y[at].mean()
    slope = float(xd @ yd / (xd @ xd))
    dof = len(x) - len(np.unique(group)) - 1
    resid = yd - slope * xd
    return slope, float(np.sqrt(resid @ resid / max(dof, 1) / (xd @ xd)))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    scenario = load(argv[0] if argv else "scenarios/municipality_se.toml")
    result = estimate(scenario.base)
    print(f"Matching function of {scenario.name} (designed variation, module docstring):")
    print("\n".join("  " + line for line in result.lines()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
