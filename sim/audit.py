"""The ledger held to the processes that caused its flows: an audit that can fail.

The ledger's totals by payer, payee and category agree by construction (each flow is one
integer amount), so checking them against each other proves nothing. This audit rebuilds each
week's amount of every category from what the paying stage recorded as it computed it: the
benefits the payment stage summed (`paid.*`), social assistance from the number of recipients
and the weekly rate, service spending from settlement's fees and results, the caseworkers'
cost from the offices, co-financing from its bands, transfers from the funding rule. A flow
booked twice, dropped, booked to the wrong category or the wrong week shows as a difference.
"""

from __future__ import annotations

from collections import defaultdict

from sim.ledger import CENTS

SERVICES = ("provider_base_fee", "provider_result_payment", "in_house_service_cost")


def expected(model, row: dict) -> dict[str, float]:
    """A week's amounts by ledger category (services as one group), from the process records."""
    rules = model.finance.rules
    insurance, basic, follow_on = rules.categories
    schemes = [k for k in row if k.startswith("services.") and k.endswith(".service_spend")]
    return {
        insurance: row["paid.insurance"],
        basic: row["paid.basic"],
        follow_on: row["paid.follow_on"],
        "social_assistance": row["recipients.social_assistance"]
        * rules.social_assistance_week(),
        "services": sum(row[k] for k in schemes),
        "in_house_service_cost": sum(row[k.replace("service_spend", "in_house_cost")]
                                     for k in schemes),
        "employment_service_staff": row["employment_service.staff_cost"],
        "municipal_cofinancing": sum(v for k, v in row.items()
                                     if k.startswith("cofinancing.") and k.endswith(".municipal")),
        "state_transfer": row["paid.state_transfer"],
    }


def booked(model, week: int) -> tuple[dict[str, float], dict[str, int]]:
    """The ledger's amounts by category that week (services grouped) and its flows by category
    (each flow is rounded to the öre once, which bounds the honest difference)."""
    amounts: dict[str, float] = defaultdict(float)
    flows: dict[str, int] = defaultdict(int)
    for _, _, _, category, amount in model.ledger.rows(week):
        for key in (category, "services") if category in SERVICES else (category,):
            amounts[key] += amount
            flows[key] += 1
    return amounts, flows


def audit(model, weeks=None) -> list[str]:
    """Differences between the ledger and the process records, one line each (empty: it
    agrees); `weeks` defaults to every recorded week."""
    rows = model.metrics.rows
    wanted = None if weeks is None else set(weeks)
    problems = []
    for row in rows:
        if wanted is not None and row["week"] not in wanted:
            continue
        amounts, flows = booked(model, row["week"])
        for category, value in expected(model, row).items():
            tolerance = (flows[category] + 1) * 0.5 / CENTS + 1e-9 * abs(value)
            if abs(amounts[category] - value) > tolerance:
                problems.append(f"week {row['week']}: the ledger books {amounts[category]:,.2f} "
                                f"of {category}, its process recorded {value:,.2f}")
    return problems


def check(model, weeks=None) -> None:
    """Raise AssertionError naming the first differences, if the ledger disagrees."""
    problems = audit(model, weeks)
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise AssertionError("the ledger disagrees with the payments recorded: "
                             + "; ".join(problems[:3]) + more)
