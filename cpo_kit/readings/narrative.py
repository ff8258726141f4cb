"""Sentences written from numbers, for the stakeholder report.

Each sentence says what a KPI did, by how much, against which target and, where
the data shows one, why. The sentences are plain text: whatever renders them
(HTML, the book) escapes them, since labels and drivers can hold a company's own
strings (segment names, feedback themes, initiative titles).
"""
from __future__ import annotations

from cpo_kit.core.formats import format_value, is_missing

#: A change smaller than this share of the previous value reads as "held".
FLAT_WITHIN = 0.005


def movement(value, previous, *, direction: str = "higher") -> str | None:
    """Whether a KPI moved the good way: ``"better"``, ``"worse"``, ``"flat"`` or None.

    None when either value is missing. ``direction`` says which way is good:
    ``"higher"`` or ``"lower"``.

    Examples
    --------
    >>> movement(0.98, 1.04, direction="higher")
    'worse'
    >>> movement(0.019, 0.020, direction="lower")
    'better'
    """
    if is_missing(value) or is_missing(previous):
        return None
    if abs(value - previous) <= FLAT_WITHIN * abs(previous) or value == previous:
        return "flat"
    rose = value > previous
    return "better" if rose == (direction == "higher") else "worse"


def change_sentence(label: str, value, previous=None, *, unit: str, target=None,
                    direction: str = "higher", driver: str | None = None) -> str:
    """One sentence on a KPI: its move since the previous period, its target, its driver.

    Parameters
    ----------
    label : str
        The KPI as people name it: "Net revenue retention".
    value, previous : float or None
        This period's and the previous period's values.
    unit : str
        How the values are written (see :func:`cpo_kit.reports.results.format_value`).
    target : float, optional
        The KPI's target.
    direction : str
        ``"higher"`` or ``"lower"``: which way is better, to say whether the
        target is met.
    driver : str, optional
        What the data shows behind the move, such as "mostly contraction in SMB".

    Examples
    --------
    >>> change_sentence("Net revenue retention", 0.98, 1.04, unit="share", target=1.0,
    ...                 driver="mostly contraction in SMB")
    'Net revenue retention fell from 104.0% to 98.0%, short of its target of 100.0% (mostly contraction in SMB).'
    """
    if is_missing(value):
        return f"{label} could not be computed for this period."
    now = format_value(value, unit)
    moved = movement(value, previous, direction=direction)
    if moved is None:
        text = f"{label} is {now}, with no previous period to compare with"
    elif moved == "flat":
        text = f"{label} held at {now}"
    else:
        verb = "rose" if value > previous else "fell"
        text = f"{label} {verb} from {format_value(previous, unit)} to {now}"
    if not is_missing(target):
        goal = format_value(target, unit)
        if value == target:
            text += ", exactly on its target"
        elif (value > target) == (direction == "higher"):
            text += f", ahead of its target of {goal}"
        else:
            text += f", short of its target of {goal}"
    if driver:
        text += f" ({driver})"
    return text + "."
