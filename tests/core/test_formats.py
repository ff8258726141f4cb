"""Numbers for people in the company's currency and locale: every case written out by hand."""
from __future__ import annotations

import pytest

from cpo_kit.core import formats

#: (currency, locale), the value, and how money() writes it, plain and compact.
MONEY = [
    (("USD", None), 114800.8, "$114,801", "$115K"),
    (("EUR", "en_IE"), 114800.8, "€114,801", "€115K"),
    (("GBP", "en_GB"), -2500, "−£2,500", "−£2.5K"),
    ((None, None), 1_390_000_000, "1,390,000,000", "1.4B"),
    (("JPY", "ja_JP"), 950, "￥950", "￥950"),
]


@pytest.mark.parametrize("style, value, plain, compact", MONEY)
def test_money_is_written_in_the_companys_currency_and_locale(style, value, plain, compact):
    currency, locale = style
    with formats.using(currency=currency, locale=locale):
        assert formats.money(value) == plain
        assert formats.money(value, compact=True) == compact


@pytest.mark.parametrize("value, signed, compact, shown", [
    # A change: a plus before a gain; nothing before none.
    (5864.81, True, False, "+$5,865"),
    (-296.0, True, False, "−$296"),
    (0.0, True, False, "$0"),
    (0.4, True, False, "$0"),         # rounds to nothing: no sign
    # A movement on a chart: every amount signed, ± where nothing moved.
    (5864.81, "always", True, "+$5.9K"),
    (-296.0, "always", True, "−$296"),
    (0.0, "always", True, "±$0"),
    (0.0, False, True, "$0"),
])
def test_money_signed_as_a_change_or_as_a_movement(value, signed, compact, shown):
    with formats.using(currency="USD"):
        assert formats.money(value, signed=signed, compact=compact) == shown


def test_money_refuses_an_unknown_way_of_signing():
    with pytest.raises(ValueError, match="signed must be True, False or 'always', not 'yes'"):
        formats.money(1.0, signed="yes")


def test_a_german_reader_sees_german_separators():
    with formats.using(currency="EUR", locale="de_DE"):
        assert formats.money(114800.8) == "114.801\xa0€"
        assert formats.share(0.4127) == "41,3\xa0%"
        assert formats.count(2271) == "2.271"
        assert formats.format_change(0.104, 0.101, "share") == "−0,3 pts"


@pytest.mark.parametrize("value, unit, shown", [
    (0.4127, "share", "41.3%"),
    (2271, "count", "2,271"),
    (21.64, "score", "21.6"),
    (3.456, "ratio", "3.46"),
    (11.04, "months", "11.0 months"),
    (None, "currency", "n/a"),
    (float("nan"), "share", "n/a"),
    (114800.8, "currency", "€114,801"),
    (7.68, "currency", "€7.68"),
    (99.999, "currency", "€100.00"),
])
def test_format_value_by_unit(value, unit, shown):
    with formats.using(currency="EUR", locale="en_IE"):
        assert formats.format_value(value, unit) == shown


def test_a_column_formatter_reads_the_style_when_the_cell_is_written():
    shares = formats.cell("share", decimals=0)
    amounts = formats.cell("money")
    with formats.using(currency="EUR", locale="de_DE"):
        assert shares(0.4127) == "41\xa0%"
        assert amounts(2500) == "2.500\xa0€"
    with formats.using(currency="USD"):
        assert shares(0.4127) == "41%"
        assert amounts(2500) == "$2,500"
        assert formats.cell("number", decimals=2, signed=True)(-0.5) == "−0.50"
        assert formats.cell("count")(12345.4) == "12,345"


def test_a_column_formatter_of_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind must be one of count, number, share, points, "
                                         "money, not 'percent'"):
        formats.cell("percent")


def test_without_a_currency_amounts_have_no_symbol():
    with formats.using():
        assert formats.format_value(114800.8, "currency") == "114,801"
        assert formats.currency_label() == "amount"
    with formats.using(currency="EUR"):
        assert formats.currency_label() == "EUR"


def test_the_style_of_a_block_is_undone_after_it():
    formats.use(currency="USD")
    with formats.using(currency="EUR", locale="en_IE"):
        assert formats.current() == formats.Style("EUR", "en_IE")
    assert formats.current() == formats.Style("USD", formats.DEFAULT_LOCALE)
    formats.use()


@pytest.mark.parametrize("check, value, message", [
    (formats.check_currency, "EURO", "'EURO' is not a currency code: expected an ISO 4217 "
     "code such as EUR, USD or GBP"),
    (formats.check_currency, "eur", "'eur' is not a currency code"),
    (formats.check_locale, "english", "'english' is not a locale: expected a name such as "
     "en_US, en_IE or de_DE"),
])
def test_unknown_currencies_and_locales_are_refused_with_what_is_expected(check, value, message):
    with pytest.raises(ValueError, match=message):
        check(value)


@pytest.mark.parametrize("low, high, style, ticks", [
    # matplotlib picks as many decimals as the range needs; the locale writes them.
    (0, 0.6, {"locale": "en_US"}, ["0%", "10%", "20%", "30%", "40%", "50%", "60%"]),
    (0, 0.1, {"locale": "en_US"}, ["0.0%", "2.0%", "4.0%", "6.0%", "8.0%", "10.0%"]),
    (-0.02, 0.02, {"locale": "en_US"}, ["−2.00%", "−1.50%", "−1.00%", "−0.50%", "0.00%",
                                        "0.50%", "1.00%", "1.50%", "2.00%"]),
    (0, 0.1, {"currency": "EUR", "locale": "de_DE"},
     ["0,0\xa0%", "2,0\xa0%", "4,0\xa0%", "6,0\xa0%", "8,0\xa0%", "10,0\xa0%"]),
])
def test_a_share_axis_is_written_as_the_companys_text_writes_shares(low, high, style, ticks):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.set_ylim(low, high)
    ax.yaxis.set_major_formatter(formats.axis("share"))
    with formats.using(**style):
        fig.canvas.draw()
        shown = [t.get_text() for t in ax.get_yticklabels()]
    plt.close(fig)
    assert shown == ticks


def test_a_share_axis_with_fixed_decimals():
    with formats.using(currency="EUR", locale="de_DE"):
        assert formats.axis("share", decimals=1)(0.025, 0) == "2,5\xa0%"
    assert formats.axis("share", decimals=0)(0.25, 0) == "25%"


@pytest.mark.parametrize("value, expected", [
    (1, "1 item"), (1.0, "1 item"), (0, "0 items"), (21, "21 items"), (2271, "2,271 items")])
def test_counted_says_one_in_the_singular(value, expected):
    assert formats.counted(value, "item") == expected


def test_counted_takes_an_irregular_plural():
    assert formats.counted(1, "theme-month") == "1 theme-month"
    assert formats.counted(3, "company", "companies") == "3 companies"
