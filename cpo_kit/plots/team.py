"""Charts of the team: the skills matrix against the ladder, gaps per skill, onboarding progress."""
from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns

from cpo_kit.core import formats
from cpo_kit.plots.core import FORMATS, PALETTE

__all__ = ["gap_bars", "onboarding_bars", "skills_heatmap"]

_COLOURS = sns.color_palette(PALETTE).as_hex()
#: Status colours: on track green, behind vermillion (red), ahead blue, as the
#: colour-blind palette draws them.
STATUS_COLOURS = {"ahead": _COLOURS[0], "on track": _COLOURS[2], "behind": _COLOURS[3],
                  "no progress recorded": "#9a9a9a"}
RECOMMENDATION_COLOURS = {"hire": _COLOURS[3], "train": _COLOURS[0], "none": _COLOURS[2]}


def _skill_name(skill: str) -> str:
    return skill.removeprefix("skill_")


def skills_heatmap(matrix: pd.DataFrame, *, title: str, member: str = "member_id",
                   role: str = "role", ax=None):
    """Members down, skills across, each cell the score minus what the member's rung expects.

    Below expectation is red, above it blue, on it white; each cell carries its value.

    Parameters
    ----------
    matrix : DataFrame
        The output of :func:`cpo_kit.analyses.team.skills_matrix`.
    title : str
        The chart's title.
    member, role : str
        Columns of the member's identifier and role, shown as the row labels.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes
    """
    rows = list(dict.fromkeys(matrix[member]))
    skills = list(dict.fromkeys(matrix["skill"]))
    if ax is None:
        _, ax = plt.subplots(figsize=(10.5, max(2.5, 0.42 * len(rows) + 1.4)))
    wide = matrix.pivot(index=member, columns="skill", values="gap").reindex(
        index=rows, columns=skills)
    first = matrix.drop_duplicates(member).set_index(member)
    labels = [f"{m} · {first.loc[m, role]} ({first.loc[m, 'rung']})" for m in rows]
    limit = max(1.0, float(np.nanmax(np.abs(wide.to_numpy(dtype=float)))) if len(wide) else 1)
    sns.heatmap(wide.to_numpy(dtype=float), ax=ax, cmap="RdBu", center=0, vmin=-limit,
                vmax=limit, annot=True, fmt="+.1f", annot_kws={"fontsize": "small"},
                linewidths=0.5, linecolor="white",
                xticklabels=[_skill_name(s) for s in skills], yticklabels=labels,
                cbar_kws={"label": "score − expected at the rung (points of 1–5)"})
    ax.set(title=title, xlabel="skill", ylabel="member · role (rung held to)")
    ax.tick_params(axis="y", labelsize="small")
    ax.tick_params(axis="x", labelsize="small", rotation=0)
    return ax


def gap_bars(gaps: pd.DataFrame, *, title: str, ax=None):
    """Members short of their rung in each skill, coloured by what to do about it.

    Parameters
    ----------
    gaps : DataFrame
        The output of :func:`cpo_kit.analyses.team.skill_gaps`.
    title : str
        The chart's title.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, max(2.4, 0.45 * len(gaps) + 1.2)))
    names = [_skill_name(s) for s in gaps["skill"]]
    colours = [RECOMMENDATION_COLOURS.get(r, "#9a9a9a") for r in gaps["recommendation"]]
    ax.barh(names, gaps["members_short"], color=colours)
    ax.invert_yaxis()
    for y, (count, assessed, advice) in enumerate(zip(gaps["members_short"], gaps["assessed"],
                                                      gaps["recommendation"])):
        ax.annotate(f"{count} of {assessed} · {advice}", (count, y), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize="small")
    top = max(int(gaps["assessed"].max()) if len(gaps) else 1, 1)
    ax.set_xlim(0, top * 1.3)
    ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
    ax.set(title=title, xlabel="members short of their rung (people)", ylabel="")
    ax.grid(axis="y", visible=False)
    return ax


def onboarding_bars(status: pd.DataFrame, *, title: str, plan: dict | None = None,
                    member: str = "member_id", role: str = "role", ax=None):
    """Each new member's onboarding progress as a bar, with a marker where the plan expects it.

    Parameters
    ----------
    status : DataFrame
        The output of :func:`cpo_kit.analyses.team.onboarding`.
    title : str
        The chart's title.
    plan : dict, optional
        Milestone name -> (day, share), to mark each milestone's share on the axis.
    member, role : str
        Columns of the member's identifier and role.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(9, max(2.2, 0.55 * len(status) + 1.3)))
    labels = [f"{m} · {r}\nday {d}" for m, r, d in
              zip(status[member], status[role], status["days_in"])]
    y = np.arange(len(status))
    ax.barh(y, status["progress"].fillna(0), height=0.55,
            color=[STATUS_COLOURS.get(s, "#9a9a9a") for s in status["status"]])
    ax.scatter(status["expected"], y, marker="|", s=500, linewidths=2.5, color="black",
               zorder=3)
    for milestone, (day, share) in (plan or {}).items():
        ax.axvline(share, color="0.6", linestyle=":", linewidth=1)
        ax.annotate(f"{milestone} (day {day:g})", (share, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(0, 2), textcoords="offset points", ha="center", va="bottom",
                    fontsize="x-small", color="0.35")
    for yi, (done, wanted, state) in enumerate(zip(status["progress"], status["expected"],
                                                   status["status"])):
        plan = f"plan {formats.share(wanted, decimals=0)}"
        text = state if pd.isna(done) else (f"{formats.share(done, decimals=0)} ({plan}) · "
                                             f"{state}")
        # Written right of the bar and of the tick, whichever ends further right.
        end = max(0 if pd.isna(done) else done, wanted)
        ax.annotate(text, (end, yi), xytext=(8, 0), textcoords="offset points",
                    fontsize="small", va="center")
    ax.set_yticks(y, labels, fontsize="small")
    ax.invert_yaxis()
    ax.set_xlim(0, 1.3)  # room for the labels right of a full bar
    ax.set_xticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.xaxis.set_major_formatter(FORMATS["share"])
    ax.set_title(title, pad=18 if plan else 6)
    ax.set(xlabel="share of the onboarding plan done (black tick: where the plan expects it)",
           ylabel="")
    ax.grid(axis="y", visible=False)
    return ax
