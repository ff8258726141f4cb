"""Readings of the product KPIs: the scorecard, activity, lifecycle, retention and the funnel.

Each function takes what the notebook computed (the scorecard scored by
:func:`cpo_kit.metrics.kpis.score`, the events suite's tables, the weekly funnels counted per
user and per attempt, the weeks of :func:`~cpo_kit.metrics.changes.recent_unusual`)
and writes what it shows for this company. The next steps whose condition holds are
in :mod:`cpo_kit.readings.product_kpis_next`; feature adoption and the unusual weeks,
what changed lately, in :mod:`cpo_kit.readings.product_kpis_changes`.
"""
from __future__ import annotations

import pandas as pd

from cpo_kit.core import formats
from cpo_kit.metrics.kpis import KPIS
from cpo_kit.readings.common import in_unit, join, literal, month_name, moved, shows

#: The unusual weeks' series of conversion through the whole funnel, counted per user
#: (each user's first entry) and per attempt; the notebook names its series with these.
PER_USER = KPIS["activation"].label
PER_ATTEMPT = "Funnel conversion, every attempt"
#: Series that seldom leave their usual range, so that a flag on them needs explaining.
STEADY = (KPIS["wau"].label, "Dormant users")

#: Relative moves smaller than this read as "held".
WITHIN = 0.05
#: Shares at least this many points apart read as different.
APART = 0.02
#: Cohorts smaller than this are not named (the heatmap greys them), and cohorts pooled
#: at each end of a column when newer are set against older.
MIN_COHORT = 20
POOLED = 4

#: Parameter blocks that several readings share, put in by :func:`shared_doc`.
_SHARED_DOCS = {
    "{company}": """company : str
        The company, as named in titles.""",
    "{unusual}": """unusual : DataFrame
        :func:`~cpo_kit.metrics.changes.recent_unusual`'s weeks: ``kpi``, ``period``,
        ``value``, ``expected``, ``low``, ``high`` and ``direction``.""",
    "{funnels}": """per_user, per_attempt : str
        The ``kpi`` of the whole funnel's conversion per user and per attempt in
        ``unusual``.""",
    "{returns}": """Returns
    -------
    str
        A markdown paragraph.""",
}


def shared_doc(function):
    for marker, text in _SHARED_DOCS.items():
        function.__doc__ = function.__doc__.replace(marker, text)
    return function


def _day(stamp) -> str:
    stamp = pd.Timestamp(stamp)
    return f"{stamp.day} {stamp:%B %Y}"


def _when(stamp, period: str) -> str:
    """The period that starts on ``stamp``: "the week of 7 September 2026", "October 2026"."""
    if period == "month":
        return month_name(stamp)
    return f"the week of {_day(stamp)}" if period == "week" else _day(stamp)


def _weeks(stamps) -> str:
    """The weeks starting on ``stamps``, each month and year said once.

    Examples
    --------
    >>> _weeks(["2026-09-14", "2026-08-31", "2026-09-07"])
    'the weeks of 31 August, 7 and 14 September 2026'
    """
    groups: list[tuple[tuple[int, int], list[int]]] = []
    for stamp in sorted(pd.Timestamp(s) for s in stamps):
        if groups and groups[-1][0] == (stamp.year, stamp.month):
            groups[-1][1].append(stamp.day)
        else:
            groups.append(((stamp.year, stamp.month), [stamp.day]))
    parts = []
    for i, ((year, month), days) in enumerate(groups):
        text = f"{join(str(d) for d in days)} {pd.Timestamp(year, month, 1):%B}"
        year_ends = i == len(groups) - 1 or groups[i + 1][0][0] != year
        parts.append(f"{text} {year}" if year_ends else text)
    plural = "s" if len(groups) > 1 or len(groups[0][1]) > 1 else ""
    return f"the week{plural} of {', '.join(parts)}"


@shared_doc
def scorecard(status: pd.DataFrame, *, company: str) -> str:
    """What the scorecard shows: the KPIs in red and amber against their targets, then the rest.

    Parameters
    ----------
    status : DataFrame
        :func:`cpo_kit.metrics.kpis.score`'s output: ``kpi``, ``unit``, ``value``, ``previous``,
        ``target`` and ``status`` (green, amber, red, "no target", or None without a
        value).
    {company}

    {returns}
    """
    sentences = []
    for colour, short in (("red", ""), ("amber", ", just short of it")):
        for _, row in status[status["status"] == colour].iterrows():
            sentence = (f"{row['kpi']} is {colour}: {in_unit(row['value'], row['unit'])} against "
                        f"a target of {in_unit(row['target'], row['unit'])}{short}")
            if not formats.is_missing(row["previous"]):
                sentence += f"; it {moved(row['previous'], row['value'], row['unit'])}"
            sentences.append(sentence + ".")
    met = [f"{row['kpi']}, {in_unit(row['value'], row['unit'])} against "
           f"{in_unit(row['target'], row['unit'])}"
           for _, row in status[status["status"] == "green"].iterrows()]
    if met:
        sentences.append(f"Meeting {'its target' if len(met) == 1 else 'their targets'}: "
                         f"{'; '.join(met)}.")
    unset = list(status.loc[status["status"] == "no target", "kpi"])
    if unset:
        verb = "has no target, so it is" if len(unset) == 1 else "have no target, so they are"
        sentences.append(f"{join(unset)} {verb} not rated.")
    empty = list(status.loc[status["status"].isna(), "kpi"])
    if empty:
        sentences.append(f"{join(empty)} cannot be computed yet on this data.")
    return shows(company, sentences)


def _compared(before: float, now: float) -> str:
    """"5.0% more than", "5.0% fewer than", "as many as"."""
    if not before or formats.count(before) == formats.count(now):
        return "as many as"
    return f"{formats.share(abs(now / before - 1))} {'more' if now > before else 'fewer'} than"


def _way(before: float, now: float) -> str | None:
    if not before:
        return None
    relative = now / before - 1
    return "up" if relative >= WITHIN else "down" if relative <= -WITHIN else "held"


#: What weekly users and stickiness moving each way mean together.
_TOGETHER = {
    ("up", "down"): "Weekly users grew while stickiness fell: typically new users who try "
                    "the product and do not make it a habit.",
    ("up", "held"): "Weekly users grew while stickiness held: more people, each using the "
                    "product about as much as before.",
    ("up", "up"): "Weekly users and stickiness both grew: more people, each coming more often.",
    ("held", "up"): "Stickiness grew while weekly users held: about as many people, coming "
                    "more often.",
    ("held", "held"): None,
    ("held", "down"): "Stickiness fell while weekly users held: about as many people, coming "
                      "less often.",
    ("down", "up"): "Weekly users fell while stickiness grew: those who stay come more often, "
                    "as occasional users leave.",
    ("down", "held"): "Weekly users fell while stickiness held: fewer people, each using the "
                      "product about as much as before.",
    ("down", "down"): "Weekly users and stickiness both fell: fewer people, and those left "
                      "come less often.",
}


@shared_doc
def activity(weeks: pd.DataFrame, stickiness: pd.DataFrame, *, company: str, span: int = 12,
             months: int = 3) -> str:
    """What active users and stickiness show: the last week, the last month, both together.

    A move of less than 5% (:data:`WITHIN`) reads as "held".

    Parameters
    ----------
    weeks : DataFrame
        Weekly active users of complete weeks: ``period`` and ``users``.
    stickiness : DataFrame
        Stickiness of complete months: ``month`` and ``stickiness``.
    {company}
    span : int
        Weeks back that the last week is also compared with.
    months : int
        Months back that the last month's stickiness is compared with.

    {returns}
    """
    users = weeks.sort_values("period").set_index("period")["users"]
    sticky = stickiness.sort_values("month").set_index("month")["stickiness"].dropna()
    sentences, ways = [], [None, None]
    if len(users) >= 2:
        now = users.iloc[-1]
        sentence = (f"In {_when(users.index[-1], 'week')}, {formats.count(now)} people were "
                    f"active: {_compared(users.iloc[-2], now)} the week before "
                    f"({formats.count(users.iloc[-2])})")
        if len(users) > span:
            then = users.iloc[-1 - span]
            sentence += (f" and {_compared(then, now)} {formats.count(span)} weeks earlier "
                         f"({formats.count(then)})")
            ways[0] = _way(then, now)
        sentences.append(sentence + ".")
    if len(sticky):
        month, now = sticky.index[-1], sticky.iloc[-1]
        sentence = f"Stickiness was {formats.share(now)} in {month:%B %Y}"
        if len(sticky) > months:
            then = sticky.iloc[-1 - months]
            sentence += f", against {formats.share(then)} in {sticky.index[-1 - months]:%B %Y}"
            ways[1] = _way(then, now)
        # Stickiness is the average daily users over the month's: times the month's days,
        # the days an average monthly user was active.
        days = formats.number(now * pd.Timestamp(month).days_in_month)
        sentences.append(f"{sentence}: the average monthly user was active on {days} days of "
                         f"{month:%B}.")
    if None not in ways:
        sentences.append(_TOGETHER[tuple(ways)])
    return shows(company, sentences or ["There is no complete week or month to read yet."])


@shared_doc
def lifecycle(frame: pd.DataFrame, *, company: str, period: str = "week",
              last: int = 26) -> str:
    """What the lifecycle bars show: the last period's make-up, and growth over those drawn.

    Returning users' share of the active reads as changed when it moved by 2 points
    (:data:`APART`) or more over the periods drawn.

    Parameters
    ----------
    frame : DataFrame
        Complete periods: ``period``, ``new``, ``returning``, ``resurrecting``,
        ``dormant`` and ``active``.
    {company}
    period : str
        The periods' length: ``day``, ``week`` or ``month``.
    last : int
        The periods drawn, the latest ones.

    {returns}
    """
    rows = frame.sort_values("period").tail(last)
    if rows.empty or not rows["active"].iloc[-1]:
        return shows(company, [f"No complete {period} has active users yet."])
    now = rows.iloc[-1]
    sentences = [f"In {_when(now['period'], period)}, {formats.count(now['active'])} users "
                 f"were active: {formats.count(now['returning'])} returning "
                 f"({formats.share(now['returning'] / now['active'])}), "
                 f"{formats.count(now['resurrecting'])} back after a gap and "
                 f"{formats.count(now['new'])} new; {formats.count(now['dormant'])} who were "
                 f"active the {period} before did not come back."]
    if len(rows) < 2:
        return shows(company, sentences)
    came = int(rows["new"].sum() + rows["resurrecting"].sum())
    went = int(rows["dormant"].sum())
    balance = (f"a net gain of {formats.count(came - went)}" if came > went else
               f"a net loss of {formats.count(went - came)}" if went > came else
               "no net change")
    sentence = (f"Over the last {formats.count(len(rows))} {period}s, "
                f"{formats.count(rows['new'].sum())} new users and "
                f"{formats.count(rows['resurrecting'].sum())} users back after a gap arrived "
                f"and {formats.count(went)} went dormant: {balance}")
    if went:
        sentence += f", {formats.number(came / went, decimals=2)} arriving for each user lost"
    sentences.append(sentence + ".")
    first = rows.iloc[0]
    if first["active"]:
        before = first["returning"] / first["active"]
        after = now["returning"] / now["active"]
        meaning = ("the product keeps more of its users than it did" if after - before >= APART
                   else "more of the activity comes from new users and users back after a gap"
                   if before - after >= APART else "about the same share")
        sentences.append(f"Returning users made up {formats.share(after)} of the active users, "
                         f"against {formats.share(before)} in "
                         f"{_when(first['period'], period)}: {meaning}.")
    return shows(company, sentences)


def _pooled(frame: pd.DataFrame) -> float | None:
    size = frame["cohort_size"].sum()
    return frame["users"].sum() / size if size else None


def _shown(long: pd.DataFrame, cohorts: int) -> pd.DataFrame:
    return long[long["cohort"].isin(sorted(long["cohort"].unique())[-cohorts:])]


@shared_doc
def retention(long: pd.DataFrame, *, company: str, period: str = "week", cohorts: int = 16,
              at: int = 4) -> str:
    """What the retention heatmap shows: the best and worst cohort, newer against older, the floor.

    Cohorts under 20 users (:data:`MIN_COHORT`) are not named; the 4 newest cohorts
    (:data:`POOLED`) are set against the 4 oldest drawn; shares 2 points apart
    (:data:`APART`) or more differ.

    Parameters
    ----------
    long : DataFrame
        :func:`~cpo_kit.metrics.retention.retention`'s complete cells: ``cohort``,
        ``cohort_size``, ``period_number``, ``users`` and ``retention``.
    {company}
    period : str
        The cohorts' period: ``day``, ``week`` or ``month``.
    cohorts : int
        The latest cohorts drawn, and the periods after the first that are drawn.
    at : int
        The period whose retention names the best and worst cohort (4 for week 4).

    {returns}
    """
    if long.empty:
        return shows(company, ["No cohort has a complete period yet."])
    shown = _shown(long, cohorts)
    sentences = []
    column = shown[(shown["period_number"] == at) & (shown["cohort_size"] >= MIN_COHORT)]
    if len(column) >= 2:
        best = column.loc[column["retention"].idxmax()]
        worst = column.loc[column["retention"].idxmin()]
        sentences.append(f"In {period} {at}, the cohort of {_day(best['cohort'])} kept the "
                         f"largest share of its users ({formats.share(best['retention'])}), "
                         f"that of {_day(worst['cohort'])} the smallest "
                         f"({formats.share(worst['retention'])}).")
    first = shown[shown["period_number"] == 1].sort_values("cohort")
    old, new = _pooled(first.head(POOLED)), _pooled(first.tail(POOLED))
    if len(first) >= 2 * POOLED and old is not None and new is not None:
        verdict = ("newer cohorts keep users better" if new - old >= APART else
                   "newer cohorts keep fewer of their users" if old - new >= APART else
                   "newer cohorts keep about as many of their users")
        sentences.append(f"In {period} 1, the {formats.count(POOLED)} newest cohorts kept "
                         f"{formats.share(new)} of their users against {formats.share(old)} "
                         f"for the {formats.count(POOLED)} oldest drawn: {verdict}.")
    sentences.append(_floor(long, period=period, end=cohorts))
    return shows(company, sentences)


def _floor(long: pd.DataFrame, *, period: str, end: int) -> str | None:
    """Where the pooled curve of every cohort that reached period ``end`` ends, and whether
    it still falls there (against its middle period)."""
    reached = long.loc[long["period_number"] <= end, "period_number"].max()
    if formats.is_missing(reached) or reached < 2:
        return None
    old = long[long["cohort"].isin(long.loc[long["period_number"] == reached, "cohort"])]
    late = _pooled(old[old["period_number"] == reached])
    mid = _pooled(old[old["period_number"] == reached // 2])
    if late is None or mid is None:
        return None
    count = old["cohort"].nunique()
    sentence = (f"Pooled over the {formats.count(count)} cohort{'s' if count > 1 else ''} old "
                f"enough to reach {period} {reached}, {formats.share(mid)} of users were still "
                f"active in {period} {reached // 2} and {formats.share(late)} in {period} "
                f"{reached}")
    if mid - late < APART:
        return f"{sentence}: retention flattens at about {formats.share(late, decimals=0)}."
    return f"{sentence}: retention is still falling."


def flag_sentence(rows: pd.DataFrame, unit: str) -> str:
    """One series' flagged weeks and its furthest value, as the end of a sentence.

    "fell below the usual range in the weeks of 7, 14 and 21 September 2026 (18.8% in
    the week of 14 September 2026, against a usual 41.0% to 55.4%)".
    """
    ways = set(rows["direction"])
    verb = "rose above" if ways == {"up"} else "fell below" if ways == {"down"} else "left"
    far = rows.loc[(rows["value"] - rows["expected"]).abs().idxmax()]
    where = f" in {_when(far['period'], 'week')}" if len(rows) > 1 else ""
    return (f"{verb} the usual range in {_weeks(rows['period'])} "
            f"({in_unit(far['value'], unit)}{where}, against a usual {in_unit(far['low'], unit)} "
            f"to {in_unit(far['high'], unit)})")


def _largest_drop(steps: pd.DataFrame):
    """The step before, and the step that loses the largest share of those who reached it."""
    steps = steps.sort_values("step").reset_index(drop=True)
    lost = 1 - steps["step_conversion"].iloc[1:]
    if lost.dropna().empty or lost.max() <= 0:
        return None
    at = lost.idxmax()
    return steps.iloc[at - 1], steps.iloc[at]


@shared_doc
def funnel(steps: pd.DataFrame, weekly: pd.DataFrame, attempts: pd.DataFrame,
           unusual: pd.DataFrame, *, company: str, last: int = 12,
           per_user: str = PER_USER, per_attempt: str = PER_ATTEMPT) -> str:
    """What the funnel shows: how many get through, the largest drop, the unusual weeks
    per attempt and per user.

    Parameters
    ----------
    steps : DataFrame
        :func:`~cpo_kit.metrics.funnel.funnel` over all entries: ``step``, ``event``,
        ``users``, ``step_conversion``, ``overall_conversion`` and ``drop_off``.
    weekly, attempts : DataFrame
        The same by week of entry (``period``), counted per user and per attempt.
    {unusual}
    {company}
    last : int
        The latest weeks searched for unusual ones.
    {funnels}

    {returns}
    """
    steps = steps.sort_values("step")
    if steps.empty or not steps["users"].iloc[0]:
        return shows(company, ["Nobody entered the funnel in the period."])
    entry, end = steps.iloc[0], steps.iloc[-1]
    sentences = [f"Of {formats.count(entry['users'])} users who reached "
                 f"{literal(entry['event'])}, {formats.share(end['overall_conversion'])} got "
                 f"as far as {literal(end['event'])}."]
    drop = _largest_drop(steps)
    if drop is not None:
        before, step = drop
        sentences.append(f"The largest drop is from {literal(before['event'])} to "
                         f"{literal(step['event'])}: {formats.count(step['drop_off'])} of the "
                         f"{formats.count(before['users'])} users who reached "
                         f"{literal(before['event'])} "
                         f"({formats.share(1 - step['step_conversion'])}) went no further.")
    users = unusual[unusual["kpi"] == per_user]
    tries = unusual[unusual["kpi"] == per_attempt]
    only = tries[~tries["period"].isin(users["period"])]
    if users.empty and tries.empty:
        sentences.append(f"Neither weekly line left its usual range in the last "
                         f"{formats.count(last)} weeks.")
    if len(only):
        sentences.append(f"Per attempt, conversion through the whole funnel "
                         f"{flag_sentence(only, 'share')}; the per-user line does not show "
                         f"{'them' if len(only) > 1 else 'it'}: what happened hit attempts by "
                         "people who already use the product, not new users' first tries.")
    both = tries[tries["period"].isin(users["period"])]
    if len(both):
        sentences.append(f"Both weekly lines left their usual range in "
                         f"{_weeks(both['period'])}.")
    alone = users[~users["period"].isin(tries["period"])]
    if len(alone):
        sentences.append(f"Only the per-user line {flag_sentence(alone, 'share')}: new users' first "
                         "tries changed, not the attempts of people who already use the "
                         "product.")
    entries = [f[f["step"] == f["step"].min()].set_index("period")["users"]
               for f in (weekly, attempts)]
    if len(entries[0]) and entries[0].equals(entries[1]):
        sentences.append("Every attempt was a user's first entry, so the two weekly lines "
                         "are the same.")
    return shows(company, sentences)
