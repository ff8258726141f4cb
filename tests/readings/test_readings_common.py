"""What every notebook's readings share: the paragraph, the list of steps, the move of a number."""
from __future__ import annotations

import pandas as pd
import pytest

from cpo_kit.core import formats
from cpo_kit.readings import common


def test_shows_escapes_the_company_and_skips_empty_sentences():
    assert common.shows("[Acme](x)", ["One.", None, "", "Two."]) == (
        "**What it shows for \\[Acme\\]\\(x\\):** One. Two.")


def test_next_steps_lists_the_recommendations_or_says_what_was_checked():
    assert common.next_steps(["Do this.", "Do that."], checked="x") == "- Do this.\n- Do that."
    assert common.next_steps([], checked="churn and price") == (
        "None of these holds on this data: churn and price.")


@pytest.mark.parametrize("before, after, unit, expected", [
    (0.021, 0.033, "share", "rose from 2.1% to 3.3% (+1.2 pts)"),
    (0.05, 0.0501, "share", "held at 5.0%"),
    (370, 302, "count", "fell from 370 to 302 (−68)"),
    (302, 370, "currency", "rose from \\$302 to \\$370 (+\\$68.00)"),
])
def test_moved_says_rose_fell_or_held_as_written(before, after, unit, expected):
    assert common.moved(before, after, unit) == expected


def test_moved_in_euros_has_no_dollar_to_escape():
    with formats.using(currency="EUR", locale="en_IE"):
        assert common.moved(1200, 1000, "currency") == "fell from €1,200 to €1,000 (−€200)"


@pytest.mark.parametrize("items, expected", [
    ([], ""), (["A_1"], "A\\_1"), (["A", "B"], "A and B"), (["A", "B", "C*"], "A, B and C\\*"),
])
def test_names_join_company_strings_made_literal(items, expected):
    assert common.names(items) == expected


@pytest.mark.parametrize("value, unit, shown", [
    (114800.8, "currency", r"€114,801"),
    (7.68, "currency", r"€7.68"),
    (0.4127, "share", "41.3%"),
    (None, "count", "n/a"),
])
def test_a_number_in_its_unit_is_written_in_the_companys_style(value, unit, shown):
    with formats.using(currency="EUR", locale="en_IE"):
        assert common.in_unit(value, unit) == shown
    with formats.using(currency="USD"):
        assert common.in_unit(114800.8, "currency") == r"\$114,801"


def test_a_month_is_named_as_people_write_it():
    assert common.month_name("2026-10-01") == "October 2026"
    assert common.month_name(pd.Timestamp("2025-02-14 13:00")) == "February 2025"
