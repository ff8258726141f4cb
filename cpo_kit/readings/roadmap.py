"""Readings of the roadmap notebook: the rankings, the plan, the objectives, the dates.

Each function takes a frame the notebook computed with :mod:`cpo_kit.analyses.roadmap`
or :mod:`cpo_kit.analyses.delivery` and writes what it shows for this company;
:func:`recommendations` keeps the next steps whose condition holds.
"""
from __future__ import annotations

import pandas as pd

from cpo_kit.core import formats
from cpo_kit.readings.common import join, literal, names, shows

#: The row of work serving no known key result, as :mod:`cpo_kit.analyses.roadmap` names it.
NO_OBJECTIVE = "(no key result)"


def _months(value) -> str:
    """``4 person-months``, ``0.5 person-months``, ``1 person-month``."""
    months = float(value)
    shown = formats.number(months, decimals=0 if months.is_integer() else 1)
    return f"{shown} person-month{'' if months == 1 else 's'}"


def ranking(candidates: pd.DataFrame, *, company: str) -> str:
    """Which candidate each score puts first, and the one the two scores disagree on most.

    Parameters
    ----------
    candidates : DataFrame
        The candidate initiatives: ``title``, ``rice``, ``wsjf``.
    company : str
        The company, as named in titles.

    Returns
    -------
    str
        A markdown paragraph.
    """
    if candidates.empty:
        return shows(company, ["No initiative is waiting to be started, so nothing is "
                               "ranked."])
    rice = candidates["rice"].rank(ascending=False, method="min")
    wsjf = candidates["wsjf"].rank(ascending=False, method="min")
    first_rice = candidates.loc[rice.idxmin(), "title"]
    first_wsjf = candidates.loc[wsjf.idxmin(), "title"]
    if first_rice == first_wsjf:
        sentences = [f"Both scores rank {literal(first_rice)} first of "
                     f"{formats.count(len(candidates))} candidates."]
    else:
        sentences = [f"RICE ranks {literal(first_rice)} first of "
                     f"{formats.count(len(candidates))} candidates, WSJF "
                     f"{literal(first_wsjf)}."]
    apart = (rice - wsjf).abs()
    if apart.max() >= 2:
        row = apart.idxmax()
        sentences.append(f"They disagree most on {literal(candidates.loc[row, 'title'])}: "
                         f"{_place(rice[row])} by RICE, {_place(wsjf[row])} by WSJF.")
    return shows(company, sentences)


def _place(rank) -> str:
    n = int(rank)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def plan(candidates: pd.DataFrame, curve: pd.DataFrame, *, company: str, capacity: float,
         value: str) -> str:
    """Where the best plan and the greedy one part ways, and where more capacity pays next.

    Parameters
    ----------
    candidates : DataFrame
        The candidates, best score first: ``title``, ``effort``, ``exact``, ``greedy``.
    curve : DataFrame
        ``capacity_curve``'s result: ``capacity``, ``exact``.
    company : str
        The company, as named in titles.
    capacity : float
        The person-months planned.
    value : str
        What the plan's value counts, as the notebook names it.

    Returns
    -------
    str
        A markdown paragraph.
    """
    if candidates.empty:
        return shows(company, ["There is no candidate to plan."])
    sentences = [difference(candidates)]
    gain = next_gain(curve, capacity=capacity)
    if gain is not None:
        extra, more, now = gain
        sentences.append(f"The next gain needs {_months(extra)} more: "
                         f"{formats.number(more)} more {value}, "
                         f"{formats.share(more / now, decimals=0)} on top of the best plan's."
                         if now else f"The first gain needs {_months(capacity + extra)}.")
    return shows(company, sentences)


def difference(candidates: pd.DataFrame, *, escape: bool = True) -> str:
    """One sentence: what the best plan takes that the greedy plan does not, and back.

    The titles are markdown-escaped unless ``escape`` is false (for a headline,
    which the book escapes when it quotes it).

    >>> rows = pd.DataFrame({"title": ["SSO", "Dark mode"], "effort": [2.5, 1.0],
    ...                      "exact": [True, False], "greedy": [False, True]})
    >>> print(difference(rows))  # doctest: +NORMALIZE_WHITESPACE
    The best plan takes SSO (2.5 person-months), which the greedy plan leaves out for
    Dark mode (1 person-month).
    """
    only_exact = candidates[candidates["exact"] & ~candidates["greedy"]]
    only_greedy = candidates[candidates["greedy"] & ~candidates["exact"]]
    if only_exact.empty and only_greedy.empty:
        return "The best plan and the greedy one take the same initiatives."
    if len(only_exact) and len(only_greedy):
        return (f"The best plan takes {_with_effort(only_exact, escape=escape)}, which the "
                f"greedy plan leaves out for {_with_effort(only_greedy, escape=escape)}.")
    if len(only_exact):
        return f"The best plan also takes {_with_effort(only_exact, escape=escape)}."
    return f"The greedy plan also takes {_with_effort(only_greedy, escape=escape)}."


def best_plan(candidates: pd.DataFrame) -> str:
    """The best plan's initiatives with their effort, in plain text, best score first.

    >>> rows = pd.DataFrame({"title": ["SSO", "Dark mode"], "effort": [2.5, 1.0],
    ...                      "exact": [True, True]})
    >>> best_plan(rows)
    'SSO (2.5 person-months) and Dark mode (1 person-month)'
    """
    chosen = candidates[candidates["exact"]]
    return _with_effort(chosen, escape=False) if len(chosen) else "nothing"


def next_gain(curve: pd.DataFrame, *, capacity: float) -> tuple[float, float, float] | None:
    """The extra capacity the best plan's value next rises at: (extra, more value, value now).

    None when no capacity on the curve beyond ``capacity`` raises the value.

    Examples
    --------
    >>> curve = pd.DataFrame({"capacity": [1.0, 2.0, 3.0], "exact": [5.0, 5.0, 8.0]})
    >>> next_gain(curve, capacity=1.0)
    (2.0, 3.0, 5.0)
    """
    now = curve.loc[curve["capacity"] <= capacity, "exact"].max()
    if now != now:  # no point of the curve at or below the capacity
        return None
    more = curve[(curve["capacity"] > capacity) & (curve["exact"] > now)]
    if more.empty:
        return None
    step = more.iloc[0]
    return float(step["capacity"] - capacity), float(step["exact"] - now), float(now)


def _with_effort(rows: pd.DataFrame, *, escape: bool = True) -> str:
    name = literal if escape else str
    return join(f"{name(r['title'])} ({_months(r['effort'])})" for _, r in rows.iterrows())


def objectives(by_objective: pd.DataFrame, *, company: str) -> str:
    """Which objectives get no work, which gets most, and how much serves no key result.

    Parameters
    ----------
    by_objective : DataFrame
        ``effort_by_objective``'s result: ``objective``, ``in_progress``, ``best_plan``
        (person-months), with a ``(no key result)`` row.
    company : str
        The company, as named in titles.

    Returns
    -------
    str
        A markdown paragraph.
    """
    total = by_objective[["in_progress", "best_plan"]].sum(axis=1)
    if total.sum() == 0:
        return shows(company, ["No person-month goes to any objective."])
    steered = by_objective["objective"] != NO_OBJECTIVE
    top = total[steered].idxmax() if steered.any() else None
    sentences = []
    if top is not None:
        sentences.append(f"“{literal(by_objective.loc[top, 'objective'])}” gets most, "
                         f"{_months(total[top])} "
                         f"({formats.share(total[top] / total.sum(), decimals=0)} of the "
                         "work).")
    empty = by_objective[steered & (total == 0)]
    if len(empty):
        sentences.append(f"{join('“' + literal(o) + '”' for o in empty['objective'])} "
                         f"{'gets' if len(empty) == 1 else 'get'} nothing.")
    loose = total[~steered].sum()
    if loose:
        sentences.append(f"{_months(loose)} ({formats.share(loose / total.sum(), decimals=0)}) "
                         "serve no key result.")
    return shows(company, sentences)


def timeline(dated: pd.DataFrame, *, company: str, period_end) -> str:
    """How much work is under way on ``period_end``, and how much of it is past its due date.

    Parameters
    ----------
    dated : DataFrame
        ``timeline``'s result: ``start_date``, ``due_date``, ``done_date``.
    company : str
        The company, as named in titles.
    period_end : date-like
        The day the roadmap is seen on.

    Returns
    -------
    str
        A markdown paragraph.
    """
    end = pd.Timestamp(period_end)
    done = pd.to_datetime(dated["done_date"])
    running = dated[(pd.to_datetime(dated["start_date"]) <= end)
                    & (done.isna() | (done > end))]
    late = running[pd.to_datetime(running["due_date"]) < end]
    return shows(company, [
        f"{formats.count(len(running))} of the {formats.count(len(dated))} dated initiatives "
        f"are under way on {end:%Y-%m-%d}"
        + (f", {formats.count(len(late))} of them past their due date." if len(late) else
           ", none past its due date.")])


def delivery(outcomes: pd.DataFrame, *, company: str) -> str:
    """The most overdue initiative and the latest delivered one, with their days.

    Parameters
    ----------
    outcomes : DataFrame
        ``delivery``'s result: ``title``, ``due_date``, ``outcome``, ``slippage_days``.
    company : str
        The company, as named in titles.

    Returns
    -------
    str
        A markdown paragraph.
    """
    overdue = outcomes[outcomes["outcome"] == "overdue"]
    late = outcomes[outcomes["outcome"] == "late"]
    sentences = []
    if len(overdue):
        row = overdue.loc[overdue["slippage_days"].idxmax()]
        sentences.append(f"Most overdue is {literal(row['title'])}, "
                         f"{formats.counted(row['slippage_days'], 'day')} past its due date "
                         f"({pd.Timestamp(row['due_date']):%Y-%m-%d}).")
    if len(late):
        row = late.loc[late["slippage_days"].idxmax()]
        sentences.append(f"Of the work delivered, {literal(row['title'])} arrived latest, "
                         f"{formats.counted(row['slippage_days'], 'day')} after its due date.")
    if not sentences:
        sentences.append("Nothing due was late or is overdue.")
    return shows(company, sentences)


def recommendations(*, candidates: pd.DataFrame | None = None, value: str = "rice_value",
                    curve: pd.DataFrame | None = None, capacity: float = 0.0,
                    by_objective: pd.DataFrame | None = None,
                    outcomes: pd.DataFrame | None = None, near_cut: float = 0.1,
                    on_time_target: float = 0.8) -> list[str]:
    """The next steps whose condition holds on this company's numbers.

    The conditions, each giving one sentence:

    - the greedy plan delivers less value than the best plan;
    - the best plan's value next rises within ``near_cut`` (a share of ``capacity``)
      more person-months: a small error in an effort estimate changes the plan;
    - an objective gets no person-month in progress or planned;
    - an initiative is overdue;
    - less than ``on_time_target`` of the work due was delivered on time.

    Parameters
    ----------
    candidates : DataFrame, optional
        The candidates with ``exact``, ``greedy`` and the ``value`` column.
    value : str
        The column of the plan's value.
    curve : DataFrame, optional
        ``capacity_curve``'s result (``capacity``, ``exact``).
    capacity : float
        The person-months planned.
    by_objective : DataFrame, optional
        ``effort_by_objective``'s result.
    outcomes : DataFrame, optional
        ``delivery``'s result (``title``, ``outcome``, ``slippage_days``).
    near_cut : float
        The extra capacity, as a share of ``capacity``, within which a gain counts as
        near the cut line.
    on_time_target : float
        The share of due work delivered on time below which dates need a buffer.

    Returns
    -------
    list of str
        Markdown sentences, in the order of the conditions above.
    """
    out = []
    if candidates is not None and len(candidates):
        best = candidates.loc[candidates["exact"], value].sum()
        greedy = candidates.loc[candidates["greedy"], value].sum()
        if greedy < best:
            out.append(f"Filling from the top of the ranking delivers "
                       f"{formats.number(best - greedy)} less value than the best plan "
                       f"({formats.share((best - greedy) / best, decimals=0)} of it): take "
                       "the best plan into quarterly planning, with the table that shows "
                       "why each initiative is in or out.")
    gain = None if curve is None else next_gain(curve, capacity=capacity)
    if gain is not None and gain[2] and gain[0] <= near_cut * capacity:
        extra, more, now = gain
        out.append(f"{_months(extra)} more would add "
                   f"{formats.share(more / now, decimals=0)} to the best plan's value: "
                   "challenge the effort estimates of the initiatives near the cut line "
                   "before the plan is final, as a small error in one changes the plan.")
    if by_objective is not None:
        total = by_objective[["in_progress", "best_plan"]].sum(axis=1)
        empty = by_objective[(by_objective["objective"] != NO_OBJECTIVE) & (total == 0)]
        if len(empty):
            out.append(f"{join('“' + literal(o) + '”' for o in empty['objective'])} "
                       f"{'has' if len(empty) == 1 else 'have'} no work in progress or "
                       "planned: give it capacity, or agree openly to drop it this quarter.")
    if outcomes is not None:
        overdue = outcomes[outcomes["outcome"] == "overdue"].sort_values(
            "slippage_days", ascending=False, kind="stable")
        if len(overdue):
            out.append(f"{formats.count(len(overdue))} "
                       f"{'initiative is' if len(overdue) == 1 else 'initiatives are'} "
                       f"overdue ({names(overdue['title'])}): agree a new date with each "
                       "owner this week and tell the people who depend on it.")
        due = outcomes[outcomes["outcome"].isin(["on time", "late", "overdue"])]
        delivered = due[due["outcome"] != "overdue"]
        if len(due):
            share = (due["outcome"] == "on time").mean()
            if share < on_time_target:
                buffer = delivered["slippage_days"].median() if len(delivered) else None
                out.append(f"Only {formats.share(share, decimals=0)} of the work due arrived "
                           f"on time, against {formats.share(on_time_target, decimals=0)} "
                           "to aim for: "
                           + (f"add the median slippage, {formats.count(buffer)} days, as "
                              "buffer to dates promised outside the team, and "
                              if buffer and buffer > 0 else "")
                           + "track the on-time share every month.")
    return out


#: What :func:`recommendations` looks at, for the sentence shown when nothing holds.
CHECKED = ("the best plan against the greedy one, the capacity near the cut line, "
           "objectives without work, overdue initiatives and the share of work on time")
