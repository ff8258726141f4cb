"""What to do next after the product KPIs: the next steps whose condition holds.

:func:`recommendations` reads the tables that :mod:`cpo_kit.readings.product_kpis` reads
(the scored scorecard, the funnel, the retention cohorts, the unusual weeks, feature
adoption) and keeps the steps whose condition holds on this company's numbers;
:func:`checked` says what it looked at, for when none holds.
"""
from __future__ import annotations

import pandas as pd

from cpo_kit.core import formats
from cpo_kit.readings.common import in_unit, join, literal, moved
from cpo_kit.readings.product_kpis import (MIN_COHORT, PER_ATTEMPT, PER_USER, STEADY, _day,
                                           _largest_drop, _shown, flag_sentence, shared_doc)
from cpo_kit.readings.product_kpis_changes import _adoption_change, _complete_months

#: Defaults of the conditions of :func:`recommendations`, shared with :func:`checked`.
STEP_LOSS = 0.30
RETENTION_FALL = 0.03
STALL_BELOW = 0.20
RISING = 0.02

#: Where the evidence of a red KPI is, for the step "put it on the review's agenda".
_EVIDENCE = {
    "wau": "the lifecycle section shows whether too few people arrive or too many go dormant",
    "stickiness": "the active users and lifecycle sections show whether the people who come "
                  "less often are the new ones",
    "week_4_retention": "the retention heatmap shows which cohorts fell away, and from which "
                        "week",
    "activation": "the funnel section shows the step where most people stop",
}


@shared_doc
def recommendations(status: pd.DataFrame, steps: pd.DataFrame | None = None,
                    retention: pd.DataFrame | None = None, unusual: pd.DataFrame | None = None,
                    adoption: pd.DataFrame | None = None, *, period_end=None,
                    step_loss: float = STEP_LOSS, retention_fall: float = RETENTION_FALL,
                    stall_below: float = STALL_BELOW, rising: float = RISING, months: int = 3,
                    cohorts: int = 16, per_user: str = PER_USER, per_attempt: str = PER_ATTEMPT,
                    steady=STEADY) -> list[str]:
    """The next steps whose condition holds on this company's numbers.

    The conditions, each giving one sentence:

    - a KPI of the scorecard is red: put it on the next product review's agenda, with
      the section that holds its evidence (one sentence per KPI);
    - the funnel's largest drop loses ``step_loss`` or more of the users who reached the
      step before: test that step with new users;
    - week-4 retention is red or amber, or fell by ``retention_fall`` or more against
      the cohorts before: learn from the cohort that kept most;
    - conversion per attempt left its usual range in weeks where activation per user
      did not: find what happened, and watch conversion per attempt;
    - a series of ``steady`` left its usual range: explain it before the review (one
      sentence per series);
    - features reached fewer than ``stall_below`` of the last complete month's active
      users and did not climb by ``rising`` or more in ``months`` months: find out
      whether users cannot find them or do not need them.

    Parameters
    ----------
    status : DataFrame
        The scored scorecard, as for :func:`~cpo_kit.readings.product_kpis.scorecard`,
        with its ``key`` column.
    steps : DataFrame, optional
        The funnel over all entries, as for :func:`~cpo_kit.readings.product_kpis.funnel`.
    retention : DataFrame, optional
        The long retention frame, as for :func:`~cpo_kit.readings.product_kpis.retention`:
        names the cohort that kept most.
    {unusual}
    adoption : DataFrame, optional
        Monthly feature adoption, as for :func:`~cpo_kit.readings.product_kpis_changes.adoption`;
        read only with ``period_end``.
    period_end : date-like, optional
        The last day counted, so that a month under way is not read as a whole one.
    step_loss : float
        A step that loses at least this share of those who reached the step before.
    retention_fall : float
        A fall of week-4 retention by at least this (a share: 0.03 is 3 points).
    stall_below : float
        Adoption under this share of the month's active users.
    rising : float
        A feature whose adoption rose by at least this in ``months`` months still climbs.
    months : int
        The months over which adoption must have climbed.
    cohorts : int
        The latest cohorts searched for the one that kept most.
    {funnels}
    steady : sequence of str
        The ``kpi`` of the series that seldom leave their usual range.

    Returns
    -------
    list of str
        Markdown sentences, in the order of the conditions above.
    """
    out = []
    for _, row in status[status["status"] == "red"].iterrows():
        where = _EVIDENCE.get(row["key"])
        out.append(f"{row['kpi']} is red, {in_unit(row['value'], row['unit'])} against a target "
                   f"of {in_unit(row['target'], row['unit'])}: put it on the next product "
                   "review's agenda" + (f"; {where}." if where else "."))
    drop = _largest_drop(steps) if steps is not None and len(steps) else None
    if drop is not None and 1 - drop[1]["step_conversion"] >= step_loss:
        before, step = drop
        out.append(f"The funnel loses {formats.share(1 - step['step_conversion'])} of the users "
                   f"who reach {literal(before['event'])} before {literal(step['event'])} "
                   f"({formats.count(step['drop_off'])} of {formats.count(before['users'])}): "
                   "run a usability test of that step with new users, and follow the weekly "
                   "conversion after the fix.")
    out.append(_keep_habit(status, retention, retention_fall=retention_fall, cohorts=cohorts))
    if unusual is not None and len(unusual):
        users = unusual[unusual["kpi"] == per_user]
        tries = unusual[(unusual["kpi"] == per_attempt) & ~unusual["period"].isin(users["period"])]
        if len(tries):
            out.append(f"Conversion per attempt {flag_sentence(tries, 'share')} while activation per "
                       "user did not: find what changed in those weeks (a release, an outage) "
                       "and whom it reached, and watch conversion per attempt every week, "
                       "since the activation KPI does not show such a fall.")
        out.extend(f"{kpi} {flag_sentence(unusual[unusual['kpi'] == kpi], 'count')}: explain it before "
                   "the review; a campaign, a launch, a season or an outage leaves this mark."
                   for kpi in steady if kpi in set(unusual["kpi"]))
    if adoption is not None and period_end is not None:
        out.append(_stalled(adoption, period_end=period_end, stall_below=stall_below,
                            rising=rising, months=months))
    return [step for step in out if step]


def _keep_habit(status: pd.DataFrame, retention: pd.DataFrame | None, *,
                retention_fall: float, cohorts: int) -> str | None:
    rows = status[status["key"] == "week_4_retention"]
    if rows.empty:
        return None
    row = rows.iloc[0]
    if row["status"] in ("red", "amber"):
        said = (f"is {row['status']}, {in_unit(row['value'], 'share')} against a target of "
                f"{in_unit(row['target'], 'share')}")
    elif (not formats.is_missing(row["previous"])
          and row["previous"] - row["value"] >= retention_fall):
        said = moved(row["previous"], row["value"], "share")
    else:
        return None
    best = ""
    if retention is not None and len(retention):
        shown = _shown(retention, cohorts)
        column = shown[(shown["period_number"] == 4) & (shown["cohort_size"] >= MIN_COHORT)]
        if len(column):
            top = column.loc[column["retention"].idxmax()]
            best = (f" (the cohort of {_day(top['cohort'])} kept "
                    f"{formats.share(top['retention'])} in week 4)")
    return (f"Week-4 retention {said}: talk to the users of the cohorts that kept coming "
            f"back{best} and find what they do that the others do not; that is the habit to "
            "design onboarding around.")


def _stalled(adoption: pd.DataFrame, *, period_end, stall_below: float, rising: float,
             months: int) -> str | None:
    done = _complete_months(adoption, period_end)
    if done.empty:
        return None
    month = done["period"].max()
    now = done[done["period"] == month].set_index("feature")["adoption"].sort_values()
    change = _adoption_change(done, month, months)
    low = [f for f in now.index if now[f] < stall_below
           and (change is None or change.get(f, 0.0) < rising)]
    if not low:
        return None
    them = "it" if len(low) == 1 else "them"
    return (f"{join(f'{literal(f)} ({formats.share(now[f])})' for f in low)} "
            f"{'is' if len(low) == 1 else 'are'} used by fewer than "
            f"{formats.share(stall_below, decimals=0)} of {month:%B %Y}'s active users and not "
            f"climbing: check whether users cannot find {them} or do not need {them} before "
            f"investing more in {them}.")


def checked(*, step_loss: float = STEP_LOSS, retention_fall: float = RETENTION_FALL,
            stall_below: float = STALL_BELOW) -> str:
    """What :func:`recommendations` looks at, for the sentence shown when nothing holds.

    Parameters
    ----------
    step_loss, retention_fall, stall_below
        As given to :func:`recommendations`.

    Returns
    -------
    str
        The end of "None of these holds on this data: ...".
    """
    return (f"a KPI in red, a funnel step that loses {formats.share(step_loss, decimals=0)} or "
            "more of the users who reach the step before, week-4 retention short of its target "
            f"or down {formats.number(retention_fall * 100, decimals=0)} points or more, weeks "
            "where only the funnel per attempt left its usual range, unusual weeks of weekly "
            "active or dormant users, and a feature used by fewer than "
            f"{formats.share(stall_below, decimals=0)} of a month's active users")
