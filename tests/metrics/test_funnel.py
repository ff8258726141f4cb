"""Funnels: a hand-made log with answers worked out by hand, and random logs against the
plain pandas reference in ``bench/pandas_reference/funnel.py``."""
from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from cpo_kit.metrics import METRICS, compute
from cpo_kit.metrics.funnel import funnel, unknown_steps, unknown_steps_message
from tests.companies import company_from_frames
from tests.strategies import EVENT_NAMES, event_logs, period_ends

from pandas_reference import funnel as reference

NAN = np.nan
STEPS = ["signup", "create_report", "share_report"]

# 2026-03-02 is a Monday. The window is 7 days; the period ends on 31 March.
# u1 goes through in order; u2 shares before creating; u3 creates exactly 7 days after
# signing up (too late: the window is open at its end); u4 signs up twice and converts
# only after the second time; u5 does the three steps in the same instant; u6 shares
# without creating and signs up twice at once, on android and web; u7 signs up in the
# week of 23 March and shares on 1 April, after the period; u8 signs up after the period.
EVENTS = [
    ("u1", "2026-03-02 09:00:00", "signup", "web"),
    ("u1", "2026-03-02 10:30:00", "create_report", "web"),
    ("u1", "2026-03-03 09:00:00", "share_report", "ios"),
    ("u2", "2026-03-02 12:00:00", "signup", "ios"),
    ("u2", "2026-03-02 13:00:00", "share_report", "ios"),
    ("u2", "2026-03-02 14:00:00", "create_report", "ios"),
    ("u3", "2026-03-03 08:00:00", "signup", "web"),
    ("u3", "2026-03-10 08:00:00", "create_report", "web"),
    ("u4", "2026-03-04 10:00:00", "signup", "ios"),
    ("u4", "2026-03-20 10:00:00", "signup", "web"),
    ("u4", "2026-03-21 10:00:00", "create_report", "web"),
    ("u4", "2026-03-21 11:00:00", "share_report", "web"),
    ("u5", "2026-03-05 10:00:00", "signup", "web"),
    ("u5", "2026-03-05 10:00:00", "create_report", "web"),
    ("u5", "2026-03-05 10:00:00", "share_report", "web"),
    ("u6", "2026-03-05 11:00:00", "signup", "web"),
    ("u6", "2026-03-05 11:00:00", "signup", "android"),
    ("u6", "2026-03-05 12:00:00", "share_report", "web"),
    ("u6", "2026-03-05 12:30:00", "login", "web"),
    ("u7", "2026-03-27 09:00:00", "signup", "web"),
    ("u7", "2026-03-27 10:00:00", "create_report", "web"),
    ("u7", "2026-04-01 09:00:00", "share_report", "web"),
    ("u8", "2026-04-02 09:00:00", "signup", "web"),
    ("u8", "2026-04-02 10:00:00", "create_report", "web"),
]
COLUMNS = ["step", "event", "users", "step_conversion", "overall_conversion", "drop_off",
           "median_hours_to_convert", "mean_hours_to_convert"]


def events_frame(rows=EVENTS) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["user_id", "timestamp", "event", "platform"])
    frame["timestamp"] = pd.to_datetime(frame["timestamp"]).astype("datetime64[us]")
    frame["feature"] = None
    frame["session_id"] = None
    return frame[["user_id", "timestamp", "event", "feature", "platform", "session_id"]].astype(
        {"user_id": "str", "event": "str", "feature": "str", "platform": "str",
         "session_id": "str"})


@pytest.fixture
def events():
    return company_from_frames({"events": events_frame()}).table("events")


def table(rows, *leading) -> pd.DataFrame:
    """An expected funnel table from rows written out by hand."""
    frame = pd.DataFrame(rows, columns=[*leading, *COLUMNS, *(
        ["complete"] if "period" in leading else [])])
    frame = frame.astype({"step": "int64", "event": "str", "users": "int64",
                          "drop_off": "int64", "step_conversion": "float64",
                          "overall_conversion": "float64", "median_hours_to_convert": "float64",
                          "mean_hours_to_convert": "float64"})
    if "period" in leading:
        frame["period"] = pd.to_datetime(frame["period"]).astype("datetime64[us]")
        frame["complete"] = frame["complete"].astype("bool")
    return frame


# Entries with a closed window on 31 March: u1 to u6 (u7's closes on 3 April).
# Sequential: u1 and u5 reach step 3, u2 step 2 (its share came before its create).
SEQUENTIAL = table([
    (1, "signup", 6, 1.0, 1.0, 0, 0.0, 0.0),
    (2, "create_report", 3, 0.5, 0.5, 3, 1.5, 3.5 / 3),  # u1 1.5 h, u2 2 h, u5 0 h
    (3, "share_report", 2, 2 / 3, 1 / 3, 1, 12.0, 12.0),  # u1 24 h, u5 0 h
])
# Any order: u2 also reaches step 3, when both later steps are done (2 h).
ANY = table([
    (1, "signup", 6, 1.0, 1.0, 0, 0.0, 0.0),
    (2, "create_report", 3, 0.5, 0.5, 3, 1.5, 3.5 / 3),
    (3, "share_report", 3, 1.0, 0.5, 0, 2.0, 26 / 3),  # u1 24 h, u2 2 h, u5 0 h
])


@pytest.mark.parametrize("order, expected", [("sequential", SEQUENTIAL), ("any", ANY)])
def test_funnel(events, order, expected):
    out = funnel(events, steps=STEPS, window="7D", period_end="2026-03-31", order=order)
    assert_frame_equal(out, expected)


def test_the_window_is_measured_from_the_first_entry(events):
    # From 5 March, u1 to u3 are out, u4 enters at its second signup and converts in a
    # day; u7's window is still open.
    out = funnel(events, steps=STEPS, window="7D", period_end="2026-03-31", start="2026-03-05")
    assert_frame_equal(out, table([
        (1, "signup", 3, 1.0, 1.0, 0, 0.0, 0.0),  # u4, u5, u6
        (2, "create_report", 2, 2 / 3, 2 / 3, 1, 12.0, 12.0),  # u4 24 h, u5 0 h
        (3, "share_report", 2, 1.0, 2 / 3, 0, 12.5, 12.5),  # u4 25 h, u5 0 h
    ]))


@pytest.mark.parametrize("window, users", [
    ("7D", [6, 3, 2]),  # u3's create, exactly 7 days on, is out
    (pd.Timedelta(days=7, seconds=1), [6, 4, 2]),
    # u7's hour has passed too, but it creates exactly 1 h on; u1 creates after 1.5 h.
    ("1h", [7, 1, 1]),
])
def test_the_window_ends_before_entry_plus_window(events, window, users):
    out = funnel(events, steps=STEPS, window=window, period_end="2026-03-31")
    assert out["users"].tolist() == users


def test_a_breakdown_by_an_events_column_takes_the_value_at_entry(events):
    # u4 entered on ios; u6 signed up on android and web at once: the smaller, android.
    out = funnel(events, steps=STEPS, window="7D", period_end="2026-03-31", by="platform")
    assert_frame_equal(out, table([
        ("android", 1, "signup", 1, 1.0, 1.0, 0, 0.0, 0.0),
        ("android", 2, "create_report", 0, 0.0, 0.0, 1, NAN, NAN),
        ("android", 3, "share_report", 0, NAN, 0.0, 0, NAN, NAN),
        ("ios", 1, "signup", 2, 1.0, 1.0, 0, 0.0, 0.0),  # u2, u4
        ("ios", 2, "create_report", 1, 0.5, 0.5, 1, 2.0, 2.0),
        ("ios", 3, "share_report", 0, 0.0, 0.0, 1, NAN, NAN),
        ("web", 1, "signup", 3, 1.0, 1.0, 0, 0.0, 0.0),  # u1, u3, u5
        ("web", 2, "create_report", 2, 2 / 3, 2 / 3, 1, 0.75, 0.75),
        ("web", 3, "share_report", 2, 1.0, 2 / 3, 0, 12.0, 12.0),
    ], "platform"))


EMPTY_WEEK = [(1, "signup", 0, NAN, NAN, 0, NAN, NAN),
              (2, "create_report", 0, NAN, NAN, 0, NAN, NAN),
              (3, "share_report", 0, NAN, NAN, 0, NAN, NAN)]


def week(start, rows, complete):
    return [(start, *row, complete) for row in rows]


@pytest.mark.parametrize("period_end, u7_shares", [("2026-03-31", False), ("2026-04-01", True)])
def test_a_weekly_trend_flags_the_weeks_whose_windows_are_open(events, period_end, u7_shares):
    # A week is complete once its last entry's window has closed: the week of 16 March
    # closes on 30 March; the week of 23 March (u7) not before 6 April. u7's share on
    # 1 April counts only once 1 April is in the period; u4's second signup is no entry.
    out = funnel(events, steps=STEPS, window="7D", period_end=period_end, period="week")
    u7 = [(1, "signup", 1, 1.0, 1.0, 0, 0.0, 0.0),
          (2, "create_report", 1, 1.0, 1.0, 0, 1.0, 1.0),
          (3, "share_report", 1, 1.0, 1.0, 0, 120.0, 120.0) if u7_shares else
          (3, "share_report", 0, 0.0, 0.0, 1, NAN, NAN)]
    expected = table([
        *week("2026-03-02", SEQUENTIAL.itertuples(index=False), True),
        *week("2026-03-09", EMPTY_WEEK, True),
        *week("2026-03-16", EMPTY_WEEK, True),
        *week("2026-03-23", u7, False),
        *week("2026-03-30", EMPTY_WEEK, False),
    ], "period")
    assert_frame_equal(out, expected)


def test_a_monthly_trend_by_platform(events):
    out = funnel(events, steps=STEPS[:2], window="7D", period_end="2026-04-30",
                 period="month", by="platform")
    # u7 enters in March (web); in April only u8 enters, and April's windows are open.
    assert_frame_equal(out, table([
        ("2026-03-01", "android", 1, "signup", 1, 1.0, 1.0, 0, 0.0, 0.0, True),
        ("2026-03-01", "android", 2, "create_report", 0, 0.0, 0.0, 1, NAN, NAN, True),
        ("2026-03-01", "ios", 1, "signup", 2, 1.0, 1.0, 0, 0.0, 0.0, True),
        ("2026-03-01", "ios", 2, "create_report", 1, 0.5, 0.5, 1, 2.0, 2.0, True),
        ("2026-03-01", "web", 1, "signup", 4, 1.0, 1.0, 0, 0.0, 0.0, True),  # u1, u3, u5, u7
        ("2026-03-01", "web", 2, "create_report", 3, 0.75, 0.75, 1, 1.0, 2.5 / 3, True),
        ("2026-04-01", "android", 1, "signup", 0, NAN, NAN, 0, NAN, NAN, False),
        ("2026-04-01", "android", 2, "create_report", 0, NAN, NAN, 0, NAN, NAN, False),
        ("2026-04-01", "ios", 1, "signup", 0, NAN, NAN, 0, NAN, NAN, False),
        ("2026-04-01", "ios", 2, "create_report", 0, NAN, NAN, 0, NAN, NAN, False),
        ("2026-04-01", "web", 1, "signup", 1, 1.0, 1.0, 0, 0.0, 0.0, False),  # u8
        ("2026-04-01", "web", 2, "create_report", 1, 1.0, 1.0, 0, 1.0, 1.0, False),
    ], "period", "platform"))


def test_an_empty_funnel_has_zero_users_and_no_ratios(events):
    out = funnel(events, steps=["invite_user", "signup"], window="7D", period_end="2026-03-31")
    assert_frame_equal(out, table([(1, "invite_user", 0, NAN, NAN, 0, NAN, NAN),
                                   (2, "signup", 0, NAN, NAN, 0, NAN, NAN)]))


def test_an_empty_trend_has_no_periods_unless_it_has_a_start(events):
    kwargs = dict(steps=["invite_user", "signup"], window="7D", period_end="2026-03-15",
                  period="week")
    out = funnel(events, **kwargs)
    assert out.columns.tolist() == ["period", *COLUMNS, "complete"] and out.empty
    out = funnel(events, **kwargs, start="2026-03-04")
    assert out["period"].unique().tolist() == [pd.Timestamp("2026-03-02"),
                                               pd.Timestamp("2026-03-09")]
    assert out["users"].tolist() == [0, 0, 0, 0]
    # The last entry the week of 2 March can hold, just before 9 March, has its window
    # closed at the end of 15 March; the week of 9 March has not.
    assert out["complete"].tolist() == [True, True, False, False]


def test_other_column_names():
    frame = events_frame().rename(columns={"user_id": "who", "timestamp": "at", "event": "what"})
    out = funnel(ibis.memtable(frame), steps=STEPS, window="7D", period_end="2026-03-31",
                 user="who", ts="at", event="what")
    assert_frame_equal(out, SEQUENTIAL)


# The registered metric, with a breakdown by a column of accounts reached through users.
USERS = [("u1", "A1"), ("u2", "A1"), ("u3", "A2"), ("u4", "A2"), ("u5", "A1"), ("u6", None),
         ("u7", "A2"), ("u8", "A1")]


def company():
    users = pd.DataFrame(USERS, columns=["user_id", "account_id"]).astype(
        {"user_id": "str", "account_id": "str"})
    users["signup_at"] = pd.Timestamp("2026-03-01").as_unit("us")
    accounts = pd.DataFrame({"account_id": ["A1", "A2"], "name": ["Acme", "Birch"],
                             "segment": ["SMB", "Enterprise"]}).astype("str")
    accounts["signup_date"] = pd.Timestamp("2026-01-01").as_unit("us")
    return company_from_frames({"events": events_frame(), "users": users,
                                "accounts": accounts})


def test_the_registered_funnel():
    assert METRICS["funnel"].family == "funnel"
    out = compute("funnel", company(), steps=STEPS, window="7D", period_end="2026-03-31",
                  order="any")
    assert_frame_equal(out, ANY)


def test_a_breakdown_by_a_column_of_accounts():
    out = compute("funnel", company(), steps=STEPS, window="7D", period_end="2026-03-31",
                  by="segment")
    expected = table([
        ("Enterprise", 1, "signup", 2, 1.0, 1.0, 0, 0.0, 0.0),  # u3, u4
        ("Enterprise", 2, "create_report", 0, 0.0, 0.0, 2, NAN, NAN),
        ("Enterprise", 3, "share_report", 0, NAN, 0.0, 0, NAN, NAN),
        ("SMB", 1, "signup", 3, 1.0, 1.0, 0, 0.0, 0.0),  # u1, u2, u5
        ("SMB", 2, "create_report", 3, 1.0, 1.0, 0, 1.5, 3.5 / 3),
        ("SMB", 3, "share_report", 2, 2 / 3, 2 / 3, 1, 12.0, 12.0),
        (None, 1, "signup", 1, 1.0, 1.0, 0, 0.0, 0.0),  # u6 has no account
        (None, 2, "create_report", 0, 0.0, 0.0, 1, NAN, NAN),
        (None, 3, "share_report", 0, NAN, 0.0, 0, NAN, NAN),
    ], "segment")
    assert_frame_equal(out, expected, check_dtype=False)
    assert out["segment"].isna().tolist() == [False] * 6 + [True] * 3


def test_a_breakdown_by_a_column_of_users():
    both = company()
    events, users = both.table("events"), both.table("users")
    out = funnel(events, steps=STEPS, window="7D", period_end="2026-03-31", by="account_id",
                 dimensions=users.select("user_id", "account_id"))
    assert out.loc[out["step"] == 1, "users"].tolist() == [3, 2, 1]  # A1, A2, none


KW = dict(steps=STEPS, window="7D", period_end="2026-03-31")


@pytest.mark.parametrize("options, message", [
    (dict(steps=["signup"]), r"steps must be a list of two or more event names, not \['signup'\]"),
    (dict(steps="signup"), r"steps must be a list of two or more event names, not 'signup'"),
    (dict(steps=["signup", "login", "signup"]),
     r"steps must be distinct event names; repeated: signup"),
    (dict(window="soon"), r"window must be a positive duration such as '7D' or '12h', not 'soon'"),
    (dict(window=7), r"window must be a positive duration .*, not 7"),
    (dict(window="-1D"), r"window must be a positive duration .*, not '-1D'"),
    (dict(order="in order"), r"order must be one of sequential, strict, any, not 'in order'"),
    (dict(count="sessions"), r"count must be one of users, attempts, not 'sessions'"),
    (dict(period="year"), r"period must be one of day, week, month, not 'year'"),
    (dict(start="2026-04-01"), r"start \(2026-04-01\) must be on or before period_end "
                               r"\(2026-03-31\)"),
    (dict(by="country"), r"by must be a column of events \(user_id, timestamp, event, feature, "
                         r"platform, session_id\), not 'country'; pass dimensions"),
    (dict(by="users"), r"by cannot be 'users', a column of the funnel table itself"),
])
def test_errors(events, options, message):
    with pytest.raises(ValueError, match=message):
        funnel(events, **{**KW, **options})


def test_dimension_errors():
    both = company()
    events, users = both.table("events"), both.table("users")
    with pytest.raises(ValueError, match="dimensions is used only with by"):
        funnel(events, **KW, dimensions=users)
    with pytest.raises(ValueError, match="dimensions has no column 'segment'"):
        funnel(events, **KW, by="segment", dimensions=users)
    doubled = users.union(users)
    with pytest.raises(ValueError, match="dimensions must have one row per user; some user_id "
                                         "appear twice"):
        funnel(events, **KW, by="account_id", dimensions=doubled)
    with pytest.raises(ValueError, match="by must be a column of events, or of users or "
                                         "accounts when they are provided, not 'colour'"):
        compute("funnel", company(), **KW, by="colour")


# The three orders on one morning, 2 March: steps signup, create_report, share_report.
# a goes straight through; b logs in between signing up and creating; c views a dashboard
# between creating and sharing; d shares before creating; e logs in in the signup's own
# instant and shares in the create's own instant (events of one instant have no order, so
# neither stands between two steps); f creates in the signup's instant and again just after,
# then shares: the chain through the second create is the consecutive one.
ORDER_EVENTS = [
    ("a", "2026-03-02 09:00", "signup"), ("a", "2026-03-02 09:10", "create_report"),
    ("a", "2026-03-02 09:20", "share_report"),
    ("b", "2026-03-02 09:00", "signup"), ("b", "2026-03-02 09:05", "login"),
    ("b", "2026-03-02 09:10", "create_report"), ("b", "2026-03-02 09:20", "share_report"),
    ("c", "2026-03-02 09:00", "signup"), ("c", "2026-03-02 09:10", "create_report"),
    ("c", "2026-03-02 09:15", "view_dashboard"), ("c", "2026-03-02 09:20", "share_report"),
    ("d", "2026-03-02 09:00", "signup"), ("d", "2026-03-02 09:05", "share_report"),
    ("d", "2026-03-02 09:10", "create_report"),
    ("e", "2026-03-02 09:00", "signup"), ("e", "2026-03-02 09:00", "login"),
    ("e", "2026-03-02 09:10", "create_report"), ("e", "2026-03-02 09:10", "share_report"),
    ("f", "2026-03-02 09:00", "signup"), ("f", "2026-03-02 09:00", "create_report"),
    ("f", "2026-03-02 09:30", "create_report"), ("f", "2026-03-02 10:00", "share_report"),
]


def log(rows, sessions=None):
    """An events table from (user, time, event) rows, with a session per row if given."""
    frame = pd.DataFrame(rows, columns=["user_id", "timestamp", "event"])
    frame["platform"] = "web"
    return events_frame(frame.itertuples(index=False, name=None)).assign(
        session_id=pd.Series(sessions, dtype="str") if sessions is not None else None)


@pytest.mark.parametrize("order, users, median, mean", [
    # Sequential: d creates after sharing, so its share comes too early for step 3.
    # Step 2: a to e after 10 min, f at once; step 3: a to c 20 min, e 10, f 60.
    ("sequential", [6, 6, 5], [0.0, 1 / 6, 1 / 3], [0.0, 5 / 36, 26 / 60]),
    # Strict: b's login and d's share stand before the create; c's view before the share.
    # Step 2: a, c, e after 10 min, f at once; step 3: a 20 min, e 10, f 60 (09:30's create).
    ("strict", [6, 4, 3], [0.0, 1 / 6, 1 / 3], [0.0, 0.125, 0.5]),
    # Any order: d reaches step 3 at its create, 10 min on.
    ("any", [6, 6, 6], [0.0, 1 / 6, 1 / 3], [0.0, 5 / 36, 7 / 18]),
])
def test_the_orders_differ_on_the_same_events(order, users, median, mean):
    events = ibis.memtable(log(ORDER_EVENTS))
    out = funnel(events, steps=STEPS, window="7D", period_end="2026-03-31", order=order)
    assert out["users"].tolist() == users
    assert out["median_hours_to_convert"].tolist() == pytest.approx(median)
    assert out["mean_hours_to_convert"].tolist() == pytest.approx(mean)


# A returning user's attempts. r1's first try succeeds and its second, two weeks on, fails;
# r2's first fails and its second succeeds; r3 tries once and succeeds. Window 1 day.
RETURNING = [
    ("r1", "2026-03-02 09:00", "create_report"), ("r1", "2026-03-02 10:00", "share_report"),
    ("r1", "2026-03-16 09:00", "create_report"),
    ("r2", "2026-03-02 09:00", "create_report"),
    ("r2", "2026-03-16 09:00", "create_report"), ("r2", "2026-03-16 12:00", "share_report"),
    ("r3", "2026-03-03 09:00", "create_report"), ("r3", "2026-03-03 09:30", "share_report"),
]
TWO_STEPS = ["create_report", "share_report"]


@pytest.mark.parametrize("count, users, hours", [
    # Users enter once: r1 and r3 share (1 h, 0.5 h); r2's share is two weeks late.
    ("users", [3, 2], 0.75),
    # Attempts: r1's first (1 h), r2's second (3 h) and r3's (0.5 h) of five.
    ("attempts", [5, 3], 1.5),
])
def test_attempts_count_a_returning_users_every_try(count, users, hours):
    out = funnel(ibis.memtable(log(RETURNING)), steps=TWO_STEPS, window="1D",
                 period_end="2026-03-31", count=count)
    assert out["users"].tolist() == users
    assert out["mean_hours_to_convert"].tolist() == pytest.approx([0.0, hours])


@pytest.mark.parametrize("count, entered, converted", [
    # Users all enter in the week of 2 March; r1's and r2's tries of 16 March are not seen.
    ("users", [3, 0, 0, 0, 0], [2, 0, 0, 0, 0]),
    ("attempts", [3, 0, 2, 0, 0], [2, 0, 1, 0, 0]),
])
def test_attempts_are_grouped_by_the_week_of_their_entry(count, entered, converted):
    out = funnel(ibis.memtable(log(RETURNING)), steps=TWO_STEPS, window="1D",
                 period_end="2026-03-31", count=count, period="week")
    assert out.loc[out["step"] == 1, "users"].tolist() == entered
    assert out.loc[out["step"] == 2, "users"].tolist() == converted


# Sessions: s1 clicks twice in visit A and shares, then comes back in visit B and does not
# share; s2's two creates have no session, so each is an attempt, and both are followed
# by its share; s3 creates in visit C and shares in visit D an hour later, inside the window.
SESSION_EVENTS = [
    ("s1", "2026-03-02 09:00", "create_report"), ("s1", "2026-03-02 09:02", "create_report"),
    ("s1", "2026-03-02 09:05", "share_report"),
    ("s1", "2026-03-03 09:00", "create_report"),
    ("s2", "2026-03-04 09:00", "create_report"), ("s2", "2026-03-04 09:30", "create_report"),
    ("s2", "2026-03-04 09:40", "share_report"),
    ("s3", "2026-03-05 09:00", "create_report"), ("s3", "2026-03-05 10:00", "share_report"),
]
SESSIONS = ["A", "A", "A", "B", None, None, None, "C", "D"]


@pytest.mark.parametrize("sessions, order, users, hours", [
    # s1's visit A is one attempt (5 min), B fails; s2 twice (40 and 10 min); s3 1 h.
    (SESSIONS, "sequential", [5, 4], [0.0, 115 / 4 / 60]),
    # Without sessions s1's clicks are two attempts, both followed by the share (5, 3 min).
    (None, "sequential", [6, 5], [0.0, 118 / 5 / 60]),
    # Strict: in visit A the second click stands between the first and the share, and
    # s2's second create between its first and the share: s2's second (10 min), s3 (1 h).
    (SESSIONS, "strict", [5, 2], [0.0, 70 / 2 / 60]),
])
def test_attempts_by_session(sessions, order, users, hours):
    frame = log(SESSION_EVENTS, sessions)
    if sessions is None:
        frame = frame.drop(columns="session_id")
    out = funnel(ibis.memtable(frame), steps=TWO_STEPS, window="1D", period_end="2026-03-31",
                 order=order, count="attempts")
    assert out["users"].tolist() == users
    assert out["mean_hours_to_convert"].tolist() == pytest.approx(hours)


def incident_log() -> pd.DataFrame:
    """Eight weeks from 2 March: four returning users and two new users a week.

    The returning users r1 to r4 create a report every Tuesday and share it an hour
    later, except in the weeks of 23 and 30 March, when sharing broke for them. Each
    week two new users create their first report on Wednesday; one of them shares.
    """
    rows = []
    for week in range(8):
        monday = pd.Timestamp("2026-03-02") + pd.Timedelta(weeks=week)
        tuesday, wednesday = monday + pd.Timedelta(days=1, hours=9), monday + pd.Timedelta(
            days=2, hours=9)
        for user in ("r1", "r2", "r3", "r4"):
            rows.append((user, tuesday, "create_report"))
            if week not in (3, 4):
                rows.append((user, tuesday + pd.Timedelta(hours=1), "share_report"))
        rows += [(f"n{week}a", wednesday, "create_report"),
                 (f"n{week}a", wednesday + pd.Timedelta(hours=2), "share_report"),
                 (f"n{week}b", wednesday, "create_report")]
    return log([(u, str(t), e) for u, t, e in rows])


@pytest.mark.parametrize("count, conversion", [
    # Per user the returning users count only in their first week: the incident is unseen.
    ("users", [5 / 6, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]),
    # Per attempt each week has six tries; in the incident's weeks only one new user shares.
    ("attempts", [5 / 6, 5 / 6, 5 / 6, 1 / 6, 1 / 6, 5 / 6, 5 / 6, 5 / 6]),
])
def test_a_weekly_trend_of_attempts_shows_an_incident_that_hits_returning_users(
        count, conversion):
    out = funnel(ibis.memtable(incident_log()), steps=TWO_STEPS, window="1D",
                 period_end="2026-04-26", period="week", count=count)
    last = out[out["step"] == 2]
    assert last["period"].dt.strftime("%m-%d").tolist() == [
        "03-02", "03-09", "03-16", "03-23", "03-30", "04-06", "04-13", "04-20"]
    assert last["overall_conversion"].tolist() == pytest.approx(conversion)


def test_the_registered_funnel_counts_attempts():
    out = compute("funnel", company(), steps=STEPS, window="7D", period_end="2026-03-31",
                  count="attempts")
    # u4's second signup is an attempt of its own, converted in a day; u6's two signups at
    # once are one attempt.
    assert out["users"].tolist() == [7, 4, 3]


NAMES = ["signup", "signin", "login", "create_report", "share_report", "view_dashboard"]


@pytest.mark.parametrize("steps, unknown", [
    (["signup", "create_report"], {}),
    (["sign_up", "create_report"], {"sign_up": ["signup", "signin"]}),
    (["logn", "shar_report", "export"],
     {"logn": ["login"], "shar_report": ["share_report", "create_report"], "export": []}),
    (["Create_Report", "share_report"], {"Create_Report": ["create_report", "share_report"]}),
])
def test_unknown_steps_with_the_closest_names(steps, unknown):
    events = ibis.memtable(log([("u", "2026-03-02 09:00", name) for name in NAMES]))
    assert unknown_steps(events, steps) == unknown


@pytest.mark.parametrize("unknown, where, message", [
    ({"sign_up": ["signup", "signin"]}, "funnel_steps",
     "funnel_steps: no event is named 'sign_up' in the events (closest: 'signup', 'signin')"),
    ({"logn": ["login"], "export": []}, "params.yaml: funnel_steps",
     "params.yaml: funnel_steps: no event is named 'logn' in the events (closest: 'login'), "
     "nor 'export' (no name in the events is close)"),
])
def test_unknown_steps_message(unknown, where, message):
    assert unknown_steps_message(unknown, where=where) == message


def test_an_unknown_steps_message_needs_a_step():
    with pytest.raises(ValueError, match="unknown_steps_message needs at least one unknown step"):
        unknown_steps_message({}, where="funnel_steps")


# Random logs against the reference. Coarse clocks make equal timestamps common. The
# random logs have one session per user and day; some lose the session of some events.
@settings(max_examples=80, deadline=None)
@given(events=event_logs(max_users=4, max_events=80), period_end=period_ends(),
       steps=st.lists(st.sampled_from(EVENT_NAMES), min_size=2, max_size=4, unique=True),
       window=st.sampled_from(["1h", "1D", "7D", "30D"]),
       order=st.sampled_from(["sequential", "strict", "any"]),
       count=st.sampled_from(["users", "attempts"]),
       period=st.sampled_from([None, "day", "week", "month"]),
       by=st.sampled_from([None, "platform"]),
       start=st.sampled_from([None, "2026-01-20"]),
       clock=st.sampled_from([None, "h", "D"]),
       sessions=st.sampled_from(["all", "none", "web only"]))
def test_funnel_matches_the_reference(events, period_end, steps, window, order, count, period,
                                      by, start, clock, sessions):
    if clock:
        events = events.assign(timestamp=events["timestamp"].dt.floor(clock))
    if sessions != "all":
        kept = events["platform"] == ("web" if sessions == "web only" else "nowhere")
        events = events.assign(session_id=events["session_id"].where(kept, None))
    options = dict(steps=steps, window=window, period_end=period_end, order=order,
                   count=count, period=period, by=by, start=start)
    ours = funnel(company_from_frames({"events": events}).table("events"), **options)
    assert_frame_equal(ours, reference.funnel(events, **options))
