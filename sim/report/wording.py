"""The answer in words: sentences generated from the comparison's rows.

Rules, each tested (tests/test_report_wording.py):

- an interval that spans zero says "no detectable difference", with the interval;
- a difference whose interval excludes zero says its size and direction with the 95 % CI, given
  as sizes in the stated direction ("29 MSEK a year more (95 % CI 25 to 33)");
- equal in every replication says so (identical arms, or weeks before a shared reform);
- one replication (no pair to take a spread from) gives the single difference and says that at
  least 2 replications are needed for an interval, 5 or more for a useful one;
- 2 to 4 replications: the intervals are said to be wide (the t quantile is large);
- money names its payer and the currency (MSEK, M EUR) a year; shares move in percentage
  points; numbers carry the decimals that resolve the interval's half-width.
"""

from __future__ import annotations

import math
import re

from scipy import stats

from sim.indicators import UNITS

USEFUL_REPS = 5
ACRONYMS = {"lov": "LOV", "te24": "TE24", "krom": "KROM", "af": "AF"}


def arm_name(arm: str) -> str:
    """'authorisation_open' -> 'authorisation open'; acronyms in capitals ('lov' -> 'LOV')."""
    return " ".join(ACRONYMS.get(w.lower(), w) for w in arm.split("_"))


def money_unit(currency: str) -> str:
    return "MSEK" if currency == "SEK" else f"M {currency}"


# -------------------------------------------------------------------------------- numbers
def decimals(diff: float, low: float = math.nan, high: float = math.nan) -> int:
    """Enough decimals to resolve the interval's half-width to one significant digit (or,
    without an interval, the value to two), and to keep an end that is not zero from
    showing as 0."""
    half = (high - low) / 2 if math.isfinite(low) and math.isfinite(high) else math.nan
    ref = half if math.isfinite(half) and half > 0 else abs(diff) / 10
    if not math.isfinite(ref) or ref <= 0:
        return 0
    base = int(min(3, max(0, -math.floor(math.log10(ref)))))
    ends = [v for v in (low, high) if math.isfinite(v) and v != 0]
    return base + int(base < 3 and any(round(v, base) == 0 for v in ends))


def number(value: float, places: int, signed: bool = False) -> str:
    rounded = round(value, places) or 0.0  # no "-0"
    return f"{rounded:{'+' if signed else ''},.{places}f}"


def amount(unit: str, scaled: float, places: int, currency: str) -> str:
    """'29 MSEK a year', '0.3 pp', '12 weeks'."""
    if unit == "money_per_year":
        return f"{number(scaled, places)} {money_unit(currency)} a year"
    if unit == "money":
        return f"{number(scaled, places)} {currency}"
    symbol = UNITS[unit].shown(True, currency)
    return f"{number(scaled, places)} {symbol}".rstrip()


# ----------------------------------------------------------------------------- verdicts
def verdict(row: dict) -> str:
    """'few' (no interval), 'same' (equal in every replication), 'none' (the interval spans
    zero), 'up' or 'down'."""
    diff, low, high = row.get("diff"), row.get("diff_ci_low"), row.get("diff_ci_high")
    if diff is None or not math.isfinite(diff):
        return "undefined"
    if row.get("n_pairs", 0) < 2 or not (math.isfinite(low) and math.isfinite(high)):
        return "few"
    if diff == 0 and low == 0 and high == 0:
        return "same"
    if low <= 0 <= high:
        return "none"
    return "up" if diff > 0 else "down"


def change(row: dict, subject: str, currency: str, baseline: str | None = None,
           spends: bool = False) -> str:
    """A clause for one paired difference: `subject` is a noun phrase ('the unemployment
    rate'), or with `spends` a payer ('Nacka'); `baseline` adds 'than under the X arm'."""
    unit = row.get("unit", "number")
    factor = UNITS[unit].scale
    diff, low, high = (row.get(k, math.nan) for k in ("diff", "diff_ci_low", "diff_ci_high"))
    v = verdict(row)
    than = f" than under the {arm_name(baseline)} arm" if baseline else ""
    what = f"what {subject} spends" if spends else subject
    if v == "undefined":
        return f"{what} is not defined in these runs"
    if v == "same":
        return f"{what} is the same in every replication" + (f" as under the "
                                                            f"{arm_name(baseline)} arm"
                                                            if baseline else "")
    places = decimals(diff * factor, low * factor, high * factor)
    if v == "none":
        interval = (f"{number(low * factor, places, True)} to "
                    f"{number(high * factor, places, True)}")
        versus = f" compared with the {arm_name(baseline)} arm" if baseline else ""
        return (f"no detectable difference in {what}{versus} "
                f"({_with_unit(interval, unit, currency)})")
    size = amount(unit, abs(diff) * factor, places, currency)
    if spends:
        head = f"{subject} spends {size} {'more' if diff > 0 else 'less'}{than}"
    else:
        word = ("higher" if diff > 0 else "lower")
        head = f"{subject} is {size} {word}{than}"
    if v == "few":
        return f"{head} (one replication: no interval)"
    lo, hi = (low, high) if diff > 0 else (-high, -low)
    return f"{head} (95 % CI {number(lo * factor, places)} to {number(hi * factor, places)})"


def _with_unit(interval: str, unit: str, currency: str) -> str:
    if unit == "money_per_year":
        return f"{interval} {money_unit(currency)} a year"
    if unit == "money":
        return f"{interval} {currency}"
    return f"{interval} {UNITS[unit].shown(True, currency)}".rstrip()


def noun(label: str) -> str:
    """A label as a noun phrase inside a sentence, its trailing note dropped:
    'Unemployment rate (registered)' -> 'the unemployment rate'."""
    text = re.sub(r"\s*\([^)]*\)$", "", label)
    text = text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text
    return f"the {text}"


def stated(clause: str) -> str:
    """A clause that stands on its own after a comma or semicolon ('there is no detectable
    difference in ...')."""
    return f"there is {clause}" if clause.startswith("no detectable") else clause


def joined(clauses: list[str]) -> str:
    """Clauses joined with semicolons, those with no detectable difference merged into one:
    'there is no detectable difference in A (..), B (..) or C (..)'."""
    head = "no detectable difference in "
    none = [c[len(head):] for c in clauses if c.startswith(head)]
    said = [c for c in clauses if not c.startswith(head)]
    if none:
        listed = none[0] if len(none) == 1 else ", ".join(none[:-1]) + " or " + none[-1]
        said.append(stated(head + listed))
    return "; ".join(said)


def capital(text: str) -> str:
    return text[0].upper() + text[1:] if text else text


# ---------------------------------------------------------------------------- replications
def replication_note(n_pairs: int) -> str | None:
    """What the number of replications allows, where it limits the answer."""
    if n_pairs < 2:
        return (f"Each arm has {n_pairs} replication{'s' if n_pairs != 1 else ''}, too few for "
                "an interval: the differences below are single draws. An interval needs at "
                f"least 2 replications, and {USEFUL_REPS} or more give a useful one "
                f"(`reformsim batch SCENARIO --reps {USEFUL_REPS}`).")
    if n_pairs < USEFUL_REPS:
        t = float(stats.t.ppf(0.975, n_pairs - 1))
        return (f"With {n_pairs} replications the intervals are wide (each is {t:.1f} standard "
                f"errors either side); {USEFUL_REPS} or more replications narrow them.")
    return None
