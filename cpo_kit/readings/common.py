"""What the readings of every notebook share: the paragraph, the list, the move of a number.

A reading is markdown written from the numbers a section computed. Company strings
(segments, themes, titles) go through :func:`literal`, so a name holding ``*`` or
``<`` is shown as written instead of being taken as markup; numbers go through
:mod:`cpo_kit.core.formats`, so they come out in the company's currency and locale.
"""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from cpo_kit.core import formats
from cpo_kit.core.text import markdown_literal


def literal(text) -> str:
    """A company string as markdown that renders exactly as written."""
    return markdown_literal(text)


def shows(company: str, sentences: Iterable[str | None]) -> str:
    """The paragraph "**What it shows for {company}:** ..." of the sentences that are not empty.

    Examples
    --------
    >>> shows("Acme_2", ["One.", None, "Two."])
    '**What it shows for Acme\\\\_2:** One. Two.'
    """
    said = " ".join(s for s in sentences if s)
    return f"**What it shows for {literal(company)}:** {said}"


def next_steps(recommendations: Iterable[str], *, checked: str) -> str:
    """The recommendations as a markdown list; one sentence naming ``checked`` when there are none.

    Parameters
    ----------
    recommendations : iterable of str
        The sentences whose condition holds.
    checked : str
        What was looked at, as the end of "None of these holds on this data: ...".

    Examples
    --------
    >>> next_steps([], checked="churn rose after the price change")
    'None of these holds on this data: churn rose after the price change.'
    >>> next_steps(["Do this.", "Do that."], checked="anything")
    '- Do this.\\n- Do that.'
    """
    items = list(recommendations)
    if not items:
        return f"None of these holds on this data: {checked}."
    return "\n".join(f"- {item}" for item in items)


def moved(before, after, unit: str) -> str:
    r"""How a number moved: "rose from 2.1% to 3.3% (+1.2 pts)", "fell from ...", "held at ...".

    A change that rounds to nothing as written reads as "held".

    Examples
    --------
    >>> moved(0.021, 0.033, "share")
    'rose from 2.1% to 3.3% (+1.2 pts)'
    >>> moved(302, 370, "count")
    'rose from 302 to 370 (+68)'
    >>> with formats.using(currency="USD"):
    ...     moved(302, 370, "currency")
    'rose from \\$302 to \\$370 (+\\$68.00)'
    """
    then, now = formats.format_value(before, unit), formats.format_value(after, unit)
    if then == now:
        return f"held at {money_safe(now)}"
    verb = "rose" if after > before else "fell"
    change = formats.format_change(before, after, unit)
    return money_safe(f"{verb} from {then} to {now} ({change})")


def in_unit(value, unit: str) -> str:
    r"""A number as a reader expects it in ``unit``, safe in markdown.

    Examples
    --------
    >>> with formats.using(currency="USD"):
    ...     in_unit(114800.8, "currency")
    '\\$114,801'
    """
    return money_safe(formats.format_value(value, unit))


def month_name(value) -> str:
    """A month as people write it: ``October 2026``."""
    return f"{pd.Timestamp(value):%B %Y}"


def money_safe(text: str) -> str:
    r"""``text`` with its dollar signs escaped, which markdown would otherwise take for maths.

    Examples
    --------
    >>> money_safe("from $302 to $370")
    'from \\$302 to \\$370'
    """
    return text.replace("$", r"\$")


def names(items: Iterable) -> str:
    """Company strings joined for a sentence: "A", "A and B", "A, B and C", each made literal.

    Examples
    --------
    >>> names(["SMB", "Mid-Market", "Enterprise"])
    'SMB, Mid\\\\-Market and Enterprise'
    """
    return join(literal(item) for item in items)


def join(parts: Iterable[str]) -> str:
    """Phrases joined for a sentence, as they are: "a", "a and b", "a, b and c"."""
    shown = list(parts)
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]
