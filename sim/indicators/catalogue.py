"""The catalogue: every weekly value and every summary value a run produces.

Keys, units, labels, aggregations and descriptions; how to read a declaration is in
sim/indicators/__init__.py. A new output is one line here (and the code that writes it).
"""

from __future__ import annotations

import math

from sim.indicators.core import Indicator


def _i(key, unit, label, description, summary=None, missing=math.nan, headline=False):
    return Indicator(key, unit, label, description, summary, missing, headline)


# ---------------------------------------------------------------------------- weekly values
WEEKLY: tuple[Indicator, ...] = (
    _i("week", "weeks", "Week", "Weeks since the end of burn-in (negative: burn-in)."),
    _i("demand_factor", "index", "Demand factor", "Cycle times shock; 1 in a steady economy."),
    _i("vacancies_posted", "count", "Vacancies posted", "New vacancies this week."),
    _i("vacancies_open", "count", "Open vacancies", "Vacancies open at the end of the week."),
    _i("vacancies_filled", "count", "Vacancies filled", "Vacancies filled by registered "
       "seekers this week."),
    _i("vacancies_expired", "count", "Vacancies expired", "Vacancies that expired unfilled."),
    _i("separations", "count", "Job separations", "Jobs that ended this week."),
    _i("registrations", "count", "Registrations", "Persons who registered as job seekers."),
    _i("exits_inactive", "count", "Exits to inactivity", "Seekers who left the labour force."),
    _i("seekers", "persons", "Seekers at matching", "Registered seekers when jobs are matched."),
    _i("hires", "count", "Hires", "Registered seekers hired this week."),
    _i("applications", "count", "Applications", "Applications sent this week."),
    _i("job_finding_rate", "share", "Weekly job-finding rate", "Hires over seekers this week."),
    _i("seekers_{band}", "persons", "Seekers, {band_label}", "Seekers at matching by spell "
       "length."),
    _i("hires_{band}", "count", "Hires, {band_label}", "Hires by spell length."),
    _i("seekers_tier{tier}", "persons", "Seekers, tier {tier}", "Seekers at matching in the "
       "tier."),
    _i("hires_tier{tier}", "count", "Hires, tier {tier}", "Hires from the tier."),
    _i("mean_wage_hired", "money", "Mean wage of hires", "Monthly wage of this week's hires."),
    _i("employed", "persons", "Employed", "Persons employed at the end of the week."),
    _i("registered", "persons", "Registered (open search)", "Registered seekers not in a "
       "service."),
    _i("in_service", "persons", "In a service", "Registered seekers in a provider's service."),
    _i("inactive", "persons", "Outside the labour force", "Persons outside the labour force."),
    _i("labour_force", "persons", "Labour force", "Employed plus registered seekers."),
    _i("unemployment_rate", "share", "Unemployment rate (registered)", "Registered seekers "
       "over the labour force."),
    _i("long_term_share", "share", "Long-term share (>= 52 weeks)", "Registered seekers with "
       "spells of 52 weeks or more, over all registered."),
    _i("spend.{category}", "money", "Spending: {category_label}", "Paid this week in the "
       "category (ledger).", missing=0.0),
    _i("net.state", "money", "Net position of the state", "Received minus paid this week."),
    _i("net.municipalities", "money", "Net position of the municipalities", "Received minus "
       "paid this week, all municipalities."),
    # the employment service (sim/agents/employment_service.py)
    _i("employment_service.seekers_{group}", "persons", "Seekers, {group}", "Seekers at "
       "matching under the service model ({group}).", missing=0.0),
    _i("employment_service.hires_{group}", "count", "Hires, {group}", "Hires ({group}).",
       missing=0.0),
    _i("employment_service.applications_{group}", "count", "Applications, {group}",
       "Applications sent ({group}).", missing=0.0),
    _i("employment_service.seekers_registered_{regband}", "persons", "Seekers, {regband} weeks "
       "registered", "Seekers at matching by weeks since registration.", missing=0.0),
    _i("employment_service.hires_registered_{regband}", "count", "Hires, {regband} weeks "
       "registered", "Hires by weeks since registration.", missing=0.0),
    *(_i(f"employment_service.{k}", u, label, desc, missing=0.0) for k, u, label, desc in (
        ("meetings_held", "count", "Meetings held", "Caseworker meetings held this week."),
        ("first_meetings", "count", "First meetings", "Initial interviews held."),
        ("first_on_time", "count", "First meetings on time", "Initial interviews held in the "
         "week they were due."),
        ("meetings_waiting", "count", "Meetings waiting", "Due meetings not held for lack of "
         "caseworker hours."),
        ("delay_weeks", "weeks", "Meeting delay", "Weeks of delay summed over held meetings."),
        ("hours_used", "hours", "Caseworker hours used", "Meeting hours used."),
        ("hours_available", "hours", "Caseworker hours available", "Meeting hours available."),
        ("caseworkers", "persons", "Caseworkers", "Caseworkers on the offices' staff."),
        ("registered", "persons", "Registered seen by the service", "Registered seekers at "
         "the meetings stage."),
        ("checks", "count", "Obligation checks", "Obligation periods checked."),
        ("lapses", "count", "Lapses", "Obligation periods with too few applications."),
        ("detected", "count", "Lapses detected", "Lapses the service detected."),
        ("days_imposed", "count", "Sanction days imposed", "Benefit days withheld by new "
         "sanctions."),
        ("benefit_days_lost", "count", "Benefit days lost", "Benefit days withheld this week."),
        ("staff_cost", "money", "Staff cost", "Caseworker time at its cost per hour."),
    )),
    _i("employment_service.sanctions_step{step}", "count", "Sanctions, step {step}",
       "Detected lapses at this step of the ladder.", missing=0.0),
    # each service scheme's market (sim/market/)
    _i("services.{scheme}.participants", "persons", "{Scheme} participants", "Persons in the "
       "scheme's service at the end of the week.", missing=0.0),
    _i("services.{scheme}.participants_tier{tier}", "persons", "{Scheme} participants, tier "
       "{tier}", "Participants of the tier.", missing=0.0),
    _i("services.{scheme}.hours_tier{tier}", "hours", "{Scheme} service hours, tier {tier}",
       "Service hours given to the tier's participants this week.", missing=0.0),
    _i("services.{scheme}.referred_tier{tier}", "count", "{Scheme} referred, tier {tier}",
       "Referred seekers who found a provider with a free place.", missing=0.0),
    _i("services.{scheme}.accepted_tier{tier}", "count", "{Scheme} accepted, tier {tier}",
       "Referred seekers a provider took on.", missing=0.0),
    _i("services.{scheme}.queued", "count", "{Scheme} queued", "Referred seekers with no free "
       "place anywhere (they stay in open search).", missing=0.0),
    _i("services.{scheme}.participant_hires", "count", "{Scheme} participant hires",
       "Hires of participants and of recent leavers within the result window.", missing=0.0),
    _i("services.{scheme}.results_paid", "count", "{Scheme} result payments", "Result "
       "payments made this week.", missing=0.0),
    _i("services.{scheme}.sustained_jobs", "count", "{Scheme} sustained jobs", "Result "
       "candidates whose job lasted the qualifying period.", missing=0.0),
    _i("services.{scheme}.service_spend", "money", "{Scheme} service spending", "Base fees, "
       "result payments and in-house cost this week.", missing=0.0),
    _i("services.{scheme}.in_house_cost", "money", "{Scheme} in-house cost", "Cost of the "
       "in-house service this week.", missing=0.0),
    _i("services.{scheme}.providers_active", "count", "{Scheme} providers active",
       "Private providers active at the end of the week.", missing=0.0),
    _i("services.{scheme}.providers_{event}", "count", "{Scheme} providers {event} (running "
       "total)", "Running total since the start of the run.", missing=0.0),
    _i("services.{scheme}.accepted", "count", "{Scheme} taken on", "Referred seekers a "
       "provider took on this week.", missing=0.0),
    _i("services.{scheme}.staff_hours", "hours", "{Scheme} counsellor hours", "Counsellor "
       "hours a week private providers employ.", missing=0.0),
    _i("services.{scheme}.hhi", "index", "{Scheme} market concentration (HHI)", "Herfindahl "
       "index of participants over providers, 0-10,000.", missing=0.0),
    _i("services.{scheme}.provider_revenue", "money", "{Scheme} provider revenue (running "
       "total)", "Revenue of private providers since the start of the run.", missing=0.0),
    _i("services.{scheme}.provider_costs", "money", "{Scheme} provider costs (running total)",
       "Costs of private providers since the start of the run.", missing=0.0),
)


# --------------------------------------------------------------------------- run summary
SUMMARY: tuple[Indicator, ...] = (
    _i("weeks", "weeks", "Reported weeks", "Weeks summarised (after burn-in).", "final"),
    _i("persons", "persons", "Persons simulated", "The simulated labour force and those "
       "outside it.", "final"),
    _i("unemployment_rate", "share", "Unemployment rate (registered)", "Registered seekers "
       "over the labour force, average week.", "mean:unemployment_rate", headline=True),
    _i("long_term_share", "share", "Long-term share (>= 52 weeks)", "Share of registered "
       "seekers unemployed 52 weeks or more, average week.", "mean:long_term_share",
       headline=True),
    _i("registered", "persons", "Registered unemployed (average)", "Registered seekers, in "
       "open search or a service.", "final"),
    _i("job_finding_rate", "share", "Weekly job-finding rate", "Hires over seekers, all "
       "weeks.", "ratio:hires/seekers", headline=True),
    _i("monthly_hazard_{band}", "share", "Monthly job-finding, {band_label}", "Exit to work "
       "a month by spell length.", "monthly:hires_{band}/seekers_{band}"),
    _i("job_finding_tier{tier}", "share", "Weekly job-finding, tier {tier}", "Hires over "
       "seekers of the tier.", "ratio:hires_tier{tier}/seekers_tier{tier}"),
    _i("share_tier{tier}", "share", "Share of seekers in tier {tier}", "Seekers of the tier "
       "over all seekers.", "ratio:seekers_tier{tier}/seekers"),
    _i("hires_per_year", "count", "Hires a year", "Registered seekers hired a year.",
       "per_year:hires"),
    _i("applications_per_seeker_month", "number", "Applications per seeker a month",
       "Applications sent per seeker-month.", "final"),
    _i("vacancies_open", "count", "Open vacancies (average)", "Open vacancies, average week.",
       "mean:vacancies_open"),
    _i("vacancy_fill_share", "share", "Share of vacancies filled", "Vacancies filled by "
       "registered seekers over vacancies filled or expired.", "final"),
    _i("spend_per_year.{category}", "money_per_year", "Spending a year: {category_label}",
       "Paid a year in the category (ledger).", "per_year:spend.{category}", missing=0.0),
    _i("spend_by_payer_per_year.{payer}.{category}", "money_per_year", "Spending a year by "
       "{payer}: {category_label}", "Paid a year by the payer group in the category "
       "(ledger).", "final", missing=0.0),
    _i("net_position_per_year.{party}", "money_per_year", "Net position a year: {party}",
       "Received minus paid a year (ledger).", "final", missing=0.0),
    # the employment service
    _i("employment_service.treated_share", "share", "Share under the service model", "Share "
       "of persons under the scenario's service model (the rest: its control preset).",
       "final"),
    _i("employment_service.caseworkers", "persons", "Caseworkers (average)", "Caseworkers, "
       "average week.", "mean:employment_service.caseworkers"),
    _i("employment_service.caseload_per_caseworker", "number", "Caseload per caseworker",
       "Registered seekers per caseworker.", "ratio:employment_service.registered/"
       "employment_service.caseworkers"),
    _i("employment_service.meetings_held_per_week", "count", "Meetings held a week",
       "Caseworker meetings a week.", "mean:employment_service.meetings_held"),
    _i("employment_service.meetings_per_seeker_month", "number", "Meetings per seeker a "
       "month", "Meetings per registered seeker-month.", "final"),
    _i("employment_service.meetings_waiting_per_week", "count", "Meetings waiting a week",
       "Due meetings not held, average week.", "mean:employment_service.meetings_waiting"),
    _i("employment_service.mean_delay_weeks", "weeks", "Mean meeting delay", "Weeks a held "
       "meeting waited.", "ratio:employment_service.delay_weeks/"
       "employment_service.meetings_held"),
    _i("employment_service.first_meetings_on_time", "share", "First meetings on time",
       "Initial interviews held in the week due.", "ratio:employment_service.first_on_time/"
       "employment_service.first_meetings"),
    _i("employment_service.caseworker_utilisation", "share", "Caseworker utilisation",
       "Meeting hours used over available.", "ratio:employment_service.hours_used/"
       "employment_service.hours_available"),
    _i("employment_service.job_finding_{group}", "share", "Weekly job-finding, {group}",
       "Hires over seekers ({group}).", "ratio:employment_service.hires_{group}/"
       "employment_service.seekers_{group}"),
    _i("employment_service.applications_per_seeker_month_{group}", "number", "Applications "
       "per seeker a month, {group}", "Applications per seeker-month ({group}).", "final"),
    _i("employment_service.obligation_checks_per_year", "count", "Obligation checks a year",
       "Obligation periods checked a year.", "per_year:employment_service.checks"),
    _i("employment_service.lapse_share", "share", "Lapse share", "Checked periods with too "
       "few applications.", "ratio:employment_service.lapses/employment_service.checks"),
    _i("employment_service.detected_share", "share", "Lapses detected", "Lapses detected "
       "over lapses.", "ratio:employment_service.detected/employment_service.lapses"),
    _i("employment_service.sanctions_per_year_by_step.{step}", "count", "Sanctions a year, "
       "step {step}", "Detected lapses a year at this step.",
       "per_year:employment_service.sanctions_step{step}", missing=0.0),
    _i("employment_service.sanction_days_imposed_per_year", "count", "Sanction days imposed "
       "a year", "Benefit days withheld by sanctions a year.",
       "per_year:employment_service.days_imposed"),
    _i("employment_service.benefit_days_lost_per_year", "count", "Benefit days lost a year",
       "Benefit days actually withheld a year.",
       "per_year:employment_service.benefit_days_lost"),
    _i("employment_service.staff_cost_per_year", "money_per_year", "Caseworker cost a year",
       "Caseworker time at its cost.", "per_year:employment_service.staff_cost"),
    _i("employment_service.monthly_exit_to_work_by_weeks_registered.{regband}", "share",
       "Monthly exit to work, {regband} weeks registered", "Exit to work a month by weeks "
       "since registration.", "monthly:employment_service.hires_registered_{regband}/"
       "employment_service.seekers_registered_{regband}"),
    # each service scheme
    _i("services.{scheme}.participants", "persons", "{Scheme}: participants (average)",
       "Persons in the service, average week.", "mean:services.{scheme}.participants",
       headline=True),
    _i("services.{scheme}.share_served_tier{tier}", "share", "{Scheme}: share of tier {tier} "
       "served", "Participant-weeks of the tier over its seeker-weeks.",
       "ratio:services.{scheme}.participants_tier{tier}/seekers_tier{tier}"),
    _i("services.{scheme}.hours_per_week_tier{tier}", "hours", "{Scheme}: hours a week, tier "
       "{tier}", "Service hours per participant-week of the tier.",
       "ratio:services.{scheme}.hours_tier{tier}/services.{scheme}.participants_tier{tier}"),
    _i("services.{scheme}.parking_index", "index", "{Scheme}: parking index", "Hours a week "
       "for the farthest tier over the nearest (< 1: the far are parked).", "final"),
    _i("services.{scheme}.creaming_index", "index", "{Scheme}: creaming index", "Farthest "
       "tier's share of those accepted over its share of those referred (< 1: creamed).",
       "final"),
    _i("services.{scheme}.refused_share", "share", "{Scheme}: referred but refused",
       "Referred seekers no provider took on.", "final"),
    _i("services.{scheme}.queued_per_week", "count", "{Scheme}: queued a week", "Referred "
       "seekers with no free place, average week.", "mean:services.{scheme}.queued"),
    _i("services.{scheme}.work_within_{horizon}w", "share", "{Scheme}: in work within "
       "{months} months", "Referred seekers hired within the horizon of referral.", "final",
       headline=True),
    _i("services.{scheme}.work_within_{horizon}w_tier{tier}", "share", "{Scheme}: in work "
       "within {months} months, tier {tier}", "As above, for referrals of the tier.", "final"),
    _i("services.{scheme}.sustained_work_within_{horizon}w", "share", "{Scheme}: sustained "
       "work within {months} months", "Hired within the horizon into a job that lasted the "
       "qualifying period.", "final"),
    _i("services.{scheme}.sustained_work_within_{horizon}w_tier{tier}", "share", "{Scheme}: "
       "sustained work within {months} months, tier {tier}", "As above, for the tier.",
       "final"),
    _i("services.{scheme}.work_within_26w_stars{stars}", "share", "{Scheme}: in work within 6 "
       "months, provider with {stars} stars", "Referrals to a provider rated {stars} stars at "
       "the time, hired within 26 weeks.", "final"),
    _i("services.{scheme}.star_gap_26w", "share", "{Scheme}: 4-star vs 1-star gap", "In work "
       "within 6 months: referrals to 4-star providers minus those to 1-star ones (RiR 2020:13 "
       "found about 30 pp).", "final", headline=True),
    _i("services.{scheme}.stars_effectiveness_correlation", "index", "{Scheme}: stars vs true "
       "effectiveness", "Rank correlation of rated providers' stars with their effectiveness, "
       "averaged over the quarterly ratings.", "final"),
    _i("services.{scheme}.cost_per_participant", "money", "{Scheme}: cost per participant",
       "Service spending per participant taken on.", "ratio:services.{scheme}.service_spend/"
       "services.{scheme}.accepted"),
    _i("services.{scheme}.staff_hours_per_participant", "hours", "{Scheme}: counsellor hours "
       "per participant", "Providers' staffed hours a week per participant.",
       "ratio:services.{scheme}.staff_hours/services.{scheme}.participants"),
    _i("services.{scheme}.providers_active", "count", "{Scheme}: providers active (average)",
       "Private providers active, average week.", "mean:services.{scheme}.providers_active",
       headline=True),
    _i("services.{scheme}.providers_{event}", "count", "{Scheme}: providers {event}",
       "Events over the reported weeks.", "change:services.{scheme}.providers_{event}"),
    _i("services.{scheme}.hhi", "index", "{Scheme}: market concentration (HHI)",
       "Herfindahl index of participants, 0-10,000, average week.",
       "mean:services.{scheme}.hhi"),
    _i("services.{scheme}.provider_revenue_per_year", "money_per_year", "{Scheme}: provider "
       "revenue a year", "Private providers' revenue a year.", "final"),
    _i("services.{scheme}.provider_margin", "share", "{Scheme}: provider margin",
       "Private providers' revenue minus costs, over revenue.", "final", headline=True),
    _i("services.{scheme}.service_spend_per_year", "money_per_year", "{Scheme}: service "
       "spending a year", "Base fees, result payments and in-house cost a year.",
       "per_year:services.{scheme}.service_spend", headline=True),
    _i("services.{scheme}.cost_per_job", "money", "{Scheme}: cost per job", "Service "
       "spending per participant hire.", "ratio:services.{scheme}.service_spend/"
       "services.{scheme}.participant_hires"),
    _i("services.{scheme}.cost_per_sustained_job", "money", "{Scheme}: cost per sustained "
       "job", "Service spending per sustained job.", "ratio:services.{scheme}.service_spend/"
       "services.{scheme}.sustained_jobs"),
)


# ------------------------------------------------- public money: benefits, co-financing, funding
# Appended by the public-finance work (sim/public_finance.py, sim/entitlement.py,
# sim/municipal_accounts.py). Placeholders: `{cofbenefit}` a co-financed benefit (its ledger
# category, e.g. labour_market_subsidy), `{cofband}` a band of accumulated benefit days of the
# funding rule ("1-100", "101-200", "301+"; none under a rule without co-financing).
_RECIPIENTS = (
    ("insurance", "income-related insurance", "income-related insurance (a-kassa, "
     "earnings-related allowance)"),
    ("basic", "basic insurance", "basic insurance (grundbelopp, basic allowance)"),
    ("follow_on", "the follow-on benefit", "the follow-on (activity support in a programme, "
     "labour market subsidy)"),
    ("social_assistance", "social assistance only", "social assistance and no unemployment "
     "benefit"),
    ("none", "no benefit", "neither an unemployment benefit nor social assistance"),
)
WEEKLY += (
    *(_i(f"recipients.{k}", "persons", f"Seekers on {short}", f"Registered seekers drawing "
         f"{long} at this week's payments.", missing=0.0) for k, short, long in _RECIPIENTS),
    *(_i(f"paid.{k}", "money", f"Paid in {short}", f"What {long} paid this week, as the "
         "payment stage computed it (the record the ledger is audited against).", missing=0.0)
      for k, short, long in _RECIPIENTS[:3]),
    _i("paid.state_transfer", "money", "State transfers paid", "The state's transfers to "
       "municipalities this week, as the funding rule computed them.", missing=0.0),
    _i("cofinancing.{cofbenefit}.{cofband}.municipal", "money", "Co-financing, {cofbenefit} "
       "days {cofband}: municipal part", "The municipalities' share of the co-financed "
       "amount paid for benefit days in the band this week.", missing=0.0),
    _i("cofinancing.{cofbenefit}.{cofband}.state", "money", "Co-financing, {cofbenefit} "
       "days {cofband}: state part", "The state's share of the co-financed amount paid for "
       "benefit days in the band this week (of the earnings-related allowance: of its basic "
       "part).", missing=0.0),
)
SUMMARY += (
    *(_i(f"recipients.{k}", "persons", f"Seekers on {short} (average)", f"Registered seekers "
         f"drawing {long}, average week.", f"mean:recipients.{k}", missing=0.0)
      for k, short, long in _RECIPIENTS),
    _i("cofinancing_per_year.{cofbenefit}.{cofband}.municipal", "money_per_year",
       "Co-financing a year, {cofbenefit} days {cofband}: municipal part", "The "
       "municipalities' share of the co-financed amount for benefit days in the band, a year.",
       "per_year:cofinancing.{cofbenefit}.{cofband}.municipal", missing=0.0),
    _i("cofinancing_per_year.{cofbenefit}.{cofband}.state", "money_per_year",
       "Co-financing a year, {cofbenefit} days {cofband}: state part", "The state's share of "
       "the co-financed amount for benefit days in the band, a year.",
       "per_year:cofinancing.{cofbenefit}.{cofband}.state", missing=0.0),
    _i("funding.registered_covered", "persons", "Registered in the covered municipalities",
       "Registered seekers of the municipalities the funding rule covers, average week.",
       "final"),
    _i("funding.state_services_per_registered_year", "money", "State spending on services "
       "per registered seeker-year (covered)", "Services the state bought for the covered "
       "municipalities' seekers (attributed by participants), per registered seeker-year: "
       "the reference of an allocation on the state_spending basis.", "final"),
    _i("funding.state_staff_per_registered_year", "money", "State caseworker cost per "
       "registered seeker-year (covered)", "The caseworkers the state pays for the covered "
       "municipalities' seekers, per registered seeker-year.", "final"),
    _i("funding.transfer_per_registered_year", "money", "Transfer per registered seeker-year "
       "(covered)", "The state's transfers to the covered municipalities per registered "
       "seeker-year.", "final"),
    _i("funding.municipal_services_staff_per_registered_year", "money", "Municipal spending "
       "on services and caseworkers per registered seeker-year (covered)", "What the covered "
       "municipalities paid for services and caseworkers per registered seeker-year.",
       "final"),
)

# ------------------------------------------------ pilot and other municipalities (issue 13)
WEEKLY += tuple(
    x for group, who in (("pilots", "pilot municipalities"), ("others", "other municipalities"))
    for x in (
        _i(f"{group}.capability", "index", f"Service capability, {who}", "Labour-force "
           f"weighted capability of the {who} (1 = the public service's reference).",
           missing=float("nan")),
        _i(f"{group}.seekers", "persons", f"Seekers, {who}", f"Seekers at matching living in "
           f"the {who}.", missing=0.0),
        _i(f"{group}.hires", "count", f"Hires, {who}", f"Hires of seekers living in the {who}.",
           missing=0.0),
    ))
SUMMARY += (
    *(_i(f"{group}.capability", "index", f"Service capability, {who} (average)", "Labour-"
         f"force weighted capability of the {who}, average week.", f"mean:{group}.capability")
      for group, who in (("pilots", "pilot municipalities"),
                         ("others", "other municipalities"))),
    *(_i(f"{group}.job_finding_rate", "share", f"Weekly job-finding, {who}", f"Hires over "
         f"seekers living in the {who}.", f"ratio:{group}.hires/{group}.seekers")
      for group, who in (("pilots", "pilot municipalities"),
                         ("others", "other municipalities"))),
    _i("capability_gap.at_reform", "index", "Capability gap at the reform (pilots - others)",
       "Pilot municipalities' service capability minus the others' in week 0: how far from "
       "the same starting line they start.", "final"),
    _i("capability_gap.two_years_on", "index", "Capability gap two years on (pilots - "
       "others)", "The same gap in week 104 from the reform.", "final"),
)
