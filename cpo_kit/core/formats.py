"""Numbers for people: money, shares and counts in the company's currency and locale.

Every figure the playbook writes (tables, chart axes, sentences, the report, the book)
goes through these functions, so a company reporting in euros never sees a dollar
sign, and a reader in Germany sees ``1.234,5`` where one in Ireland sees ``1,234.5``.
The writing itself is Babel's (the Unicode CLDR's rules for each locale); this module
only holds the company's choice and the playbook's few formats.

A notebook states the choice once, from its parameters: ``formats.use(currency="EUR",
locale="en_IE")``. Without a currency, amounts are written as plain numbers: no
symbol is better than a wrong one.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import babel
import babel.numbers as numbers

#: The locale of a company that names none.
DEFAULT_LOCALE = "en_US"
#: The true minus sign, as typeset text has it.
MINUS = "−"


@dataclass(frozen=True)
class Style:
    """How numbers are written: the reporting currency (ISO 4217, or None) and the locale."""

    currency: str | None = None
    locale: str = DEFAULT_LOCALE


_style = Style()


def check_currency(code: str) -> str:
    """``code`` if it is an ISO 4217 currency code, else ``ValueError`` saying what is expected.

    Examples
    --------
    >>> check_currency("EUR")
    'EUR'
    """
    if not isinstance(code, str) or not numbers.is_currency(code):
        raise ValueError(f"{code!r} is not a currency code: expected an ISO 4217 code such "
                         "as EUR, USD or GBP")
    return code


def check_locale(name: str) -> str:
    """``name`` if Babel knows the locale (``en_IE``, ``de_DE``), else ``ValueError``."""
    try:
        babel.Locale.parse(name)
    except (ValueError, TypeError, babel.UnknownLocaleError):
        raise ValueError(f"{name!r} is not a locale: expected a name such as en_US, en_IE "
                         "or de_DE") from None
    return name


def use(*, currency: str | None = None, locale: str | None = None) -> Style:
    """Write every number from now on in ``currency`` and ``locale``; returns the new style.

    Parameters
    ----------
    currency : str, optional
        An ISO 4217 code such as ``"EUR"``; empty or None: amounts without a symbol.
    locale : str, optional
        A locale such as ``"en_IE"``; empty or None: :data:`DEFAULT_LOCALE`.
    """
    global _style
    _style = Style(check_currency(currency) if currency else None,
                   check_locale(locale) if locale else DEFAULT_LOCALE)
    return _style


def current() -> Style:
    """The style in force."""
    return _style


@contextmanager
def using(*, currency: str | None = None, locale: str | None = None) -> Iterator[Style]:
    """The style of a block, as :func:`use`, and the one before it restored after."""
    before = _style
    try:
        yield use(currency=currency, locale=locale)
    finally:
        _restore(before)


def _restore(style: Style) -> None:
    global _style
    _style = style


def money(value, *, compact: bool = False, decimals: int = 0,
          signed: bool | str = False) -> str:
    """An amount in the reporting currency: ``€114,801``, ``€115K`` when ``compact``.

    Parameters
    ----------
    value : float
    compact : bool
        Thousands, millions and billions shortened, for chart labels.
    decimals : int
        Decimals shown (not with ``compact``).
    signed : bool or "always"
        True: a plus sign before a positive amount (a minus is always shown), as a
        change is written. ``"always"``: that, and ``±`` before an amount of zero, as
        a chart of movements labels one that did not move.

    Examples
    --------
    >>> with using(currency="EUR", locale="en_IE"):
    ...     money(114800.8), money(-2500, compact=True), money(0, compact=True, signed="always")
    ('€114,801', '−€2.5K', '±€0')
    """
    style = _style
    size = abs(float(value))
    if compact:
        text = _compact(size, style)
    elif style.currency is None:
        text = numbers.format_decimal(size, _pattern(decimals), locale=style.locale)
    else:
        pattern = _currency_pattern(style.locale, decimals)
        text = numbers.format_currency(size, style.currency, format=pattern,
                                       locale=style.locale, currency_digits=False)
    # Signed as shown: an amount that rounds to zero is written without a minus.
    return _sign(value if compact else round(float(value), decimals), text, signed)


def _compact(size: float, style: Style) -> str:
    # One decimal below ten of a unit (2.5K), none above (115K).
    digits = 1 if size >= 1_000 and _leading(size) < 10 else 0
    if style.currency is None:
        return numbers.format_compact_decimal(size, locale=style.locale,
                                              fraction_digits=digits)
    return numbers.format_compact_currency(size, style.currency, locale=style.locale,
                                           fraction_digits=digits)


def _leading(size: float) -> float:
    """The size in its compact unit: 2.5 for 2,500, 115 for 115,000."""
    while size >= 1000:
        size /= 1000
    return size


def _currency_pattern(locale: str, decimals: int) -> str:
    """The locale's own currency pattern (where the symbol goes) with ``decimals`` decimals."""
    pattern = babel.Locale.parse(locale).currency_formats["standard"].pattern.split(";")[0]
    whole = pattern.replace("#,##0.00", "#,##0").replace("0.00", "0")
    return whole.replace("#,##0", _pattern(decimals), 1)


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _sign(value, text: str, signed: bool | str) -> str:
    """``text`` (written from the size of ``value``) with the sign of ``value``.

    ``signed`` as :func:`money` takes it: False, True or ``"always"``.
    """
    if signed not in (False, True, "always"):
        raise ValueError(f"signed must be True, False or 'always', not {signed!r}")
    if float(value) < 0:
        return MINUS + text
    if float(value) > 0:
        return ("+" + text) if signed else text
    return ("±" + text) if signed == "always" else text


def count(value, *, signed: bool = False) -> str:
    """A whole number with the locale's grouping: ``2,271`` (``2.271`` in ``de_DE``)."""
    text = numbers.format_decimal(abs(round(float(value))), "#,##0", locale=_style.locale)
    return _sign(round(float(value)), text, signed)


def counted(value, singular: str, plural: str | None = None) -> str:
    """A count with its noun, singular for exactly one: ``1 item``, ``21 items``.

    ``plural`` defaults to ``singular`` plus "s" (give it for ``theme-month`` and
    the like only when that is wrong).
    """
    one = round(float(value)) == 1
    return f"{count(value)} {singular if one else (plural or singular + 's')}"


def number(value, *, decimals: int = 1, signed: bool = False) -> str:
    """A number with ``decimals`` decimals: ``21.6``."""
    text = numbers.format_decimal(abs(float(value)), _pattern(decimals), locale=_style.locale)
    return _sign(round(float(value), decimals), text, signed)


def share(value, *, decimals: int = 1, signed: bool = False) -> str:
    """A share as a percentage: ``41.3%`` (``41,3 %`` in ``de_DE``).

    Examples
    --------
    >>> share(0.4127)
    '41.3%'
    """
    # The locale's own pattern says where the sign goes and whether a space comes before it.
    pattern = babel.Locale.parse(_style.locale).percent_formats[None].pattern.split(";")[0]
    pattern = pattern.replace("#,##0", _pattern(decimals), 1)
    text = numbers.format_percent(abs(float(value)), pattern, locale=_style.locale)
    return _sign(round(float(value), decimals + 2), text, signed)


def points(value, *, decimals: int = 1) -> str:
    """A change of a share in percentage points, signed: ``+2.5 pts``."""
    return f"{number(value * 100, decimals=decimals, signed=True)} pts"


def cell(kind: str, **options) -> Callable[[object], str]:
    """A formatter for a table's column: ``kind`` is ``count``, ``number``, ``share``,
    ``points`` or ``money``, and ``options`` are that function's keywords.

    The style (currency, locale) is read when a cell is written, not when the formatter
    is made, so a table formats as the notebook's ``use`` says.

    Examples
    --------
    >>> cell("share", decimals=0)(0.4127)
    '41%'
    >>> cell("number", decimals=2, signed=True)(0.5)
    '+0.50'
    """
    kinds = {"count": count, "number": number, "share": share, "points": points,
             "money": money}
    if kind not in kinds:
        raise ValueError(f"kind must be one of {', '.join(kinds)}, not {kind!r}")
    function = kinds[kind]
    return lambda value: function(value, **options)


def is_missing(value) -> bool:
    """Whether a value is absent: None, or NaN (numpy's included)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


#: How a number of each unit is written for people.
_UNITS = {
    "count": count,
    "users": count,
    "accounts": count,
    "share": share,
    # Cents where they matter: a consumer price of 7.68 is not "8", a seat at 34.50 not "35".
    "currency": lambda v: money(v, decimals=2 if abs(v) < 100 else 0),
    "score": number,
    "ratio": lambda v: number(v, decimals=2),
    "months": lambda v: f"{number(v)} months",
    "days": lambda v: f"{number(v)} days",
}
UNITS = tuple(_UNITS)


def format_value(value, unit: str) -> str:
    """A number as a reader expects it in ``unit``; ``n/a`` where it cannot be computed.

    Examples
    --------
    >>> format_value(0.4127, "share")
    '41.3%'
    >>> format_value(None, "currency")
    'n/a'
    """
    if unit not in _UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
    if is_missing(value):
        return "n/a"
    return _UNITS[unit](value)


def format_change(before, after, unit: str) -> str:
    """The change from ``before`` to ``after`` as a reader expects it; empty if not numeric.

    Shares change in percentage points; other units in their own terms.

    Examples
    --------
    >>> format_change(0.104, 0.101, "share")
    '−0.3 pts'
    >>> with using(currency="USD"):
    ...     format_change(106947.0, 114800.8, "currency")
    '+$7,854'
    """
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and not is_missing(v)
               for v in (before, after)):
        return ""
    difference = after - before
    if unit == "share":
        return points(difference)
    sign = "+" if difference >= 0 else MINUS
    return sign + format_value(abs(difference), unit)


def currency_label() -> str:
    """The currency as an axis or column heading names it: ``EUR``, or "amount" without one."""
    return _style.currency or "amount"


def axis(unit: str = "currency", *, decimals: int | None = None):
    """A matplotlib tick formatter writing values of ``unit`` in the style in force.

    Money is written compact (``€115K``); the style is read when the chart is drawn.

    Parameters
    ----------
    unit : {"currency", "share", "count"}
        What the axis measures.
    decimals : int, optional
        A share's decimals; by default as many as the axis's range needs, which
        matplotlib's ``PercentFormatter`` works out (``10.0%`` on a range of 10 points).
    """
    import matplotlib.ticker as mticker

    if unit == "currency":
        return mticker.FuncFormatter(lambda v, _: money(v, compact=True))
    if unit == "share":
        if decimals is not None:
            return mticker.FuncFormatter(lambda v, _: share(v, decimals=decimals))
        return _share_axis()
    return mticker.FuncFormatter(lambda v, _: count(v))


def _share_axis():
    """Matplotlib's percent ticks, written by :func:`share` in the company's locale."""
    import matplotlib.ticker as mticker

    class Shares(mticker.PercentFormatter):
        def format_pct(self, x, display_range):
            # matplotlib chooses the decimals for the axis's range; the locale writes them.
            written = super().format_pct(x, display_range)
            decimals = len(written.replace(self.symbol, "").strip().partition(".")[2])
            return share(x / self.xmax, decimals=decimals)

    return Shares(1.0)
