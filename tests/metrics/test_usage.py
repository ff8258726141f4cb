"""Usage metrics: hand-made logs with answers worked out by hand, and random logs against
the plain pandas reference in ``bench/pandas_reference/usage.py``."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from cpo_kit.metrics import METRICS, compute, event_tables
from cpo_kit.metrics import features as feature_metrics
from cpo_kit.metrics import usage
from cpo_kit.metrics.retention import retention
from tests.companies import company_from_frames
from tests.strategies import DAYS, FIRST_DAY, event_logs, period_ends

from pandas_reference import usage as reference

NAN = np.nan

# 2026-01-05 is a Monday. Weeks: 5-11 Jan, 12-18 (c only late on the 12th), 19-25 (nobody),
# 26 Jan-1 Feb, 2-8 Feb. a comes and goes, b has one event, d starts after 4 February.
EVENTS = [
    ("a", "2026-01-05 09:00:00", "login", None),
    ("a", "2026-01-05 09:05:00", "create_report", "reports"),
    ("a", "2026-01-06 10:00:00", "login", None),
    ("a", "2026-01-13 08:00:00", "login", None),
    ("a", "2026-01-27 09:00:00", "view_dashboard", "dashboards"),
    ("a", "2026-02-03 10:00:00", "login", None),
    ("a", "2026-02-05 10:00:00", "login", None),
    ("b", "2026-01-07 12:00:00", "login", None),
    ("c", "2026-01-12 23:59:59", "login", None),
    ("c", "2026-01-28 11:59:59", "share_report", "reports"),
    ("d", "2026-02-10 09:00:00", "login", None),
    ("d", "2026-02-11 09:00:00", "create_report", "reports"),
]
# c signs up after using reports; d is missing from the users table.
USERS = [("a", "2026-01-01 09:00:00"), ("b", "2026-01-07 11:00:00"),
         ("c", "2026-01-30 00:00:00")]


def events_frame(rows) -> pd.DataFrame:
    """An events table typed as the loaders type it."""
    frame = pd.DataFrame(rows, columns=["user_id", "timestamp", "event", "feature"])
    frame["timestamp"] = pd.to_datetime(frame["timestamp"]).astype("datetime64[us]")
    frame["platform"] = "web"
    frame["session_id"] = frame["user_id"] + "-" + frame["timestamp"].dt.strftime("%Y%m%d")
    return frame.astype({c: "str" for c in ("user_id", "event", "feature", "platform",
                                            "session_id")})


def users_frame(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["user_id", "signup_at"])
    frame["account_id"] = "A1"
    frame["signup_at"] = pd.to_datetime(frame["signup_at"]).astype("datetime64[us]")
    return frame.astype({"user_id": "str", "account_id": "str"})


@pytest.fixture
def company():
    return company_from_frames({"events": events_frame(EVENTS), "users": users_frame(USERS)})


@pytest.fixture
def events(company):
    return company.table("events")


def table(columns: str, rows, **dtypes) -> pd.DataFrame:
    """An expected table: column names, rows, and the dtypes that are not int64."""
    names = columns.split()
    frame = pd.DataFrame(rows, columns=names)
    for name in names:
        dtype = dtypes.get(name, "int64")
        frame[name] = (pd.to_datetime(frame[name]).astype(dtype) if dtype.startswith("datetime")
                       else frame[name].astype(dtype))
    return frame


PERIOD = {"period": "datetime64[us]"}
MONTH = {"month": "datetime64[us]"}


# --- active users ----------------------------------------------------------------------------

@pytest.mark.parametrize("period, period_end, rows", [
    # Thursday 8 January has no event: it is there with 0 users.
    ("day", "2026-01-08", [("2026-01-05", 1, True), ("2026-01-06", 1, True),
                           ("2026-01-07", 1, True), ("2026-01-08", 0, True)]),
    # The week of 19 January is empty; the week of 2 February is partial and flagged, and
    # a's event on 5 February is after the period end.
    ("week", "2026-02-04", [("2026-01-05", 2, True), ("2026-01-12", 2, True),
                            ("2026-01-19", 0, True), ("2026-01-26", 2, True),
                            ("2026-02-02", 1, False)]),
    # A Sunday ends its week: nothing is partial.
    ("week", "2026-02-01", [("2026-01-05", 2, True), ("2026-01-12", 2, True),
                            ("2026-01-19", 0, True), ("2026-01-26", 2, True)]),
    ("month", "2026-02-04", [("2026-01-01", 3, True), ("2026-02-01", 1, False)]),
    ("month", "2026-02-28", [("2026-01-01", 3, True), ("2026-02-01", 2, True)]),
])
def test_active_users(events, period, period_end, rows):
    expected = table("period users complete", rows, complete="bool", **PERIOD)
    assert_frame_equal(usage.active_users(events, period=period, period_end=period_end),
                       expected)


def test_active_users_before_any_event_is_empty(events):
    out = usage.active_users(events, period="week", period_end="2025-12-31")
    assert_frame_equal(out, table("period users complete", [], complete="bool", **PERIOD))


@pytest.mark.parametrize("name, period", [("dau", "day"), ("wau", "week"), ("mau", "month")])
def test_dau_wau_mau_are_active_users(company, events, name, period):
    assert_frame_equal(compute(name, company, period_end="2026-02-04"),
                       usage.active_users(events, period=period, period_end="2026-02-04"))


def test_active_users_read_other_column_names():
    frame = events_frame(EVENTS).rename(columns={"user_id": "member", "timestamp": "at"})
    events = company_from_frames({"events": frame}).table("events")
    out = usage.active_users(events, period="month", period_end="2026-02-04", user="member",
                             ts="at")
    assert out["users"].tolist() == [3, 1]


# --- stickiness and active days --------------------------------------------------------------

@pytest.mark.parametrize("period_end, rows", [
    # January: a on 4 days, b on 1, c on 2, so 7 user-days over 31 days, and 3 users.
    # February: a on the 3rd and 5th, d on the 10th and 11th: 4 user-days over 28 days.
    ("2026-02-28", [("2026-01-01", 7 / 31, 3, 7 / 93), ("2026-02-01", 4 / 28, 2, 1 / 14)]),
    # February is not over: left out.
    ("2026-02-27", [("2026-01-01", 7 / 31, 3, 7 / 93)]),
])
def test_stickiness(events, period_end, rows):
    expected = table("month avg_dau mau stickiness", rows, avg_dau="float64",
                     stickiness="float64", **MONTH)
    assert_frame_equal(usage.stickiness(events, period_end=period_end), expected)


def test_stickiness_of_a_month_without_users_is_nan():
    events = company_from_frames({"events": events_frame([
        ("u", "2026-01-01 10:00:00", "login", None), ("u", "2026-03-01 10:00:00", "login", None),
        ("u", "2026-03-02 10:00:00", "login", None)])}).table("events")
    expected = table("month avg_dau mau stickiness", [
        ("2026-01-01", 1 / 31, 1, 1 / 31), ("2026-02-01", 0.0, 0, NAN),
        ("2026-03-01", 2 / 31, 1, 2 / 31)], avg_dau="float64", stickiness="float64", **MONTH)
    assert_frame_equal(usage.stickiness(events, period_end="2026-03-31"), expected)


def test_active_days_distribution(events):
    # January only (February is not over): b on 1 day, c on 2, a on 4.
    rows = [("2026-01-01", 1, 1, 3, 1.0), ("2026-01-01", 2, 1, 2, 2 / 3),
            ("2026-01-01", 3, 0, 1, 1 / 3), ("2026-01-01", 4, 1, 1, 1 / 3)]
    rows += [("2026-01-01", n, 0, 0, 0.0) for n in range(5, 32)]
    expected = table("month days users_exactly users_at_least share_at_least", rows,
                     share_at_least="float64", **MONTH)
    assert_frame_equal(usage.active_days_distribution(events, period_end="2026-02-04"),
                       expected)


def test_active_days_distribution_has_every_day_of_each_month(events):
    out = usage.active_days_distribution(events, period_end="2026-02-28")
    assert out.groupby("month")["days"].max().tolist() == [31, 28]
    february = out[out["month"] == "2026-02-01"].set_index("days")
    assert february.loc[[1, 2, 3], "users_at_least"].tolist() == [2, 2, 0]


# --- lifecycle -------------------------------------------------------------------------------

@pytest.mark.parametrize("period, period_end, rows", [
    # Week of 12 Jan: a returns, c is new, b goes dormant. Nobody in the week of 19 Jan:
    # a and c are dormant, then both resurrect. The week of 2 February is not over.
    ("week", "2026-02-04", [("2026-01-05", 2, 0, 0, 0, 2), ("2026-01-12", 1, 1, 0, 1, 2),
                            ("2026-01-19", 0, 0, 0, 2, 0), ("2026-01-26", 0, 0, 2, 0, 2)]),
    # a returns in February, d is new; b and c are dormant.
    ("month", "2026-02-28", [("2026-01-01", 3, 0, 0, 0, 3), ("2026-02-01", 1, 1, 0, 2, 2)]),
    ("month", "2026-02-27", [("2026-01-01", 3, 0, 0, 0, 3)]),
    # Nobody on the 8th: b, active on the 7th, is dormant then.
    ("day", "2026-01-08", [("2026-01-05", 1, 0, 0, 0, 1), ("2026-01-06", 0, 1, 0, 0, 1),
                           ("2026-01-07", 1, 0, 0, 1, 1), ("2026-01-08", 0, 0, 0, 1, 0)]),
])
def test_lifecycle(events, period, period_end, rows):
    expected = table("period new returning resurrecting dormant active", rows, **PERIOD)
    assert_frame_equal(usage.lifecycle(events, period=period, period_end=period_end), expected)


def test_lifecycle_metric_takes_a_period(company, events):
    assert_frame_equal(compute("lifecycle", company, period_end="2026-02-28", period="month"),
                       usage.lifecycle(events, period="month", period_end="2026-02-28"))
    assert compute("lifecycle", company, period_end="2026-02-04")["period"].size == 4


# --- feature adoption ------------------------------------------------------------------------

def test_feature_adoption_per_week(events):
    expected = table("period feature users active_users adoption", [
        ("2026-01-05", "dashboards", 0, 2, 0.0), ("2026-01-05", "reports", 1, 2, 0.5),
        ("2026-01-12", "dashboards", 0, 2, 0.0), ("2026-01-12", "reports", 0, 2, 0.0),
        ("2026-01-19", "dashboards", 0, 0, NAN), ("2026-01-19", "reports", 0, 0, NAN),
        ("2026-01-26", "dashboards", 1, 2, 0.5), ("2026-01-26", "reports", 1, 2, 0.5),
    ], feature="str", adoption="float64", **PERIOD)
    assert_frame_equal(feature_metrics.feature_adoption(events, period="week", period_end="2026-02-04"),
                       expected)


@pytest.mark.parametrize("options, rows", [
    ({"features": ["reports"]}, [("2026-01-01", "reports", 2, 3, 2 / 3),
                                 ("2026-02-01", "reports", 1, 2, 0.5)]),
    # Event names as features; one that never happens is reported with 0 users.
    ({"feature": "event", "features": ["login", "invite_user"]}, [
        ("2026-01-01", "invite_user", 0, 3, 0.0), ("2026-01-01", "login", 3, 3, 1.0),
        ("2026-02-01", "invite_user", 0, 2, 0.0), ("2026-02-01", "login", 2, 2, 1.0)]),
])
def test_feature_adoption_of_chosen_features(events, options, rows):
    expected = table("period feature users active_users adoption", rows, feature="str",
                     adoption="float64", **PERIOD)
    assert_frame_equal(feature_metrics.feature_adoption(events, period_end="2026-02-28", **options),
                       expected)


# --- time to first use -----------------------------------------------------------------------

FIVE_MINUTES = 5 / 1440  # five minutes, in days


@pytest.mark.parametrize("with_users, period_end, rows", [
    # From the first event: a uses reports 5 minutes in, c after 15.5 days, d after 1 day.
    (False, "2026-02-28", [("dashboards", 1, 22.0, 22.0),
                           ("reports", 3, 1.0, (FIVE_MINUTES + 15.5 + 1) / 3)]),
    # d's events come after the period end.
    (False, "2026-02-04", [("dashboards", 1, 22.0, 22.0),
                           ("reports", 2, (FIVE_MINUTES + 15.5) / 2, (FIVE_MINUTES + 15.5) / 2)]),
    # From signup: a 4 days and 5 minutes; c used reports before signing up, which counts
    # as 0; d is not in the users table and starts at their first event.
    (True, "2026-02-28", [("dashboards", 1, 26.0, 26.0),
                          ("reports", 3, 1.0, (4 + FIVE_MINUTES + 0 + 1) / 3)]),
])
def test_time_to_first_use(company, events, with_users, period_end, rows):
    users = company.table("users") if with_users else None
    expected = table("feature adopters median_days mean_days", rows, feature="str",
                     median_days="float64", mean_days="float64")
    assert_frame_equal(feature_metrics.time_to_first_use(events, users, period_end=period_end), expected)


def test_time_to_first_use_of_chosen_events(events):
    out = feature_metrics.time_to_first_use(events, period_end="2026-02-28", feature="event",
                                  features=["share_report"])
    assert out.to_dict("list") == {"feature": ["share_report"], "adopters": [1],
                                   "median_days": [15.5], "mean_days": [15.5]}


def test_time_to_first_use_metric_starts_at_signup_when_users_are_given(company, events):
    assert_frame_equal(compute("time_to_first_use", company, period_end="2026-02-28"),
                       feature_metrics.time_to_first_use(events, company.table("users"),
                                               period_end="2026-02-28"))
    alone = company_from_frames({"events": events_frame(EVENTS)})
    assert compute("time_to_first_use", alone, period_end="2026-02-28")[
        "median_days"].tolist() == [22.0, 1.0]


# --- errors and registry ---------------------------------------------------------------------

@pytest.mark.parametrize("func", [usage.active_users, usage.lifecycle, feature_metrics.feature_adoption])
def test_an_unknown_period_is_refused(events, func):
    with pytest.raises(ValueError, match=r"period must be one of day, week, month, not "
                                         r"'quarter'"):
        func(events, period="quarter", period_end="2026-02-28")


@pytest.mark.parametrize("features, message", [
    ("reports", r"features must be a list of names, not the string 'reports'"),
    ([], r"features must name at least one feature, or be None for all"),
])
@pytest.mark.parametrize("func", [feature_metrics.feature_adoption, feature_metrics.time_to_first_use])
def test_features_must_be_a_list_of_names(events, func, features, message):
    with pytest.raises(ValueError, match=message):
        func(events, period_end="2026-02-28", features=features)


def test_a_missing_column_is_named(events):
    with pytest.raises(ValueError, match=r"the table has no column 'account_id'; its columns "
                                         r"are user_id, timestamp, event, feature"):
        usage.active_users(events, period_end="2026-02-28", user="account_id")


def test_usage_metrics_are_registered():
    names = {"dau", "wau", "mau", "stickiness", "active_days_distribution", "lifecycle",
             "feature_adoption", "time_to_first_use"}
    assert names <= {n for n, m in METRICS.items() if m.family == "usage"}
    titles = [m.title for m in METRICS.values()]
    assert len(titles) == len(set(titles)), "the glossary needs one title per metric"


# --- against the pandas reference, on random logs ---------------------------------------------

periods = st.sampled_from(("day", "week", "month"))
few_features = st.none() | st.lists(st.sampled_from(("dashboards", "reports", "automation",
                                                     "billing")), min_size=1, max_size=3)


@settings(max_examples=60, deadline=None)
@given(log=event_logs(), period=periods, period_end=period_ends())
def test_active_users_and_lifecycle_match_the_reference(log, period, period_end):
    events = company_from_frames({"events": log}).table("events")
    for name in ("active_users", "lifecycle"):
        ours = getattr(usage, name)(events, period=period, period_end=period_end)
        assert_frame_equal(ours, getattr(reference, name)(log, period=period,
                                                          period_end=period_end))
        # The daily activity stands in for the events: a suite can compute it once.
        daily = usage.daily_activity(events, period_end=period_end)
        assert_frame_equal(getattr(usage, name)(daily, period=period, period_end=period_end,
                                                ts="day"), ours)


@settings(max_examples=60, deadline=None)
@given(log=event_logs(), period_end=period_ends())
def test_stickiness_and_active_days_match_the_reference(log, period_end):
    events = company_from_frames({"events": log}).table("events")
    daily = usage.daily_activity(events, period_end=period_end)
    for name in ("stickiness", "active_days_distribution"):
        ours = getattr(usage, name)(events, period_end=period_end)
        assert_frame_equal(ours, getattr(reference, name)(log, period_end=period_end))
        assert_frame_equal(getattr(usage, name)(daily, period_end=period_end, ts="day"), ours)


@settings(max_examples=60, deadline=None)
@given(log=event_logs(), period=periods, period_end=period_ends(), features=few_features)
def test_feature_adoption_matches_the_reference(log, period, period_end, features):
    events = company_from_frames({"events": log}).table("events")
    assert_frame_equal(
        feature_metrics.feature_adoption(events, period=period, period_end=period_end, features=features),
        reference.feature_adoption(log, period=period, period_end=period_end,
                                   features=features))


@st.composite
def logs_with_users(draw):
    """An events log and a users table signing up some of its users, before or after
    their events."""
    log = draw(event_logs())
    names = sorted(log["user_id"].unique())
    listed = [n for n in names if draw(st.booleans())]
    minutes = draw(st.lists(st.integers(-DAYS * 24 * 60, DAYS * 24 * 60), min_size=len(listed),
                            max_size=len(listed)))
    signups = FIRST_DAY + pd.to_timedelta(pd.Series(minutes, dtype="int64"), unit="min")
    users = pd.DataFrame({"user_id": pd.Series(listed, dtype="str"), "account_id": "A1",
                          "signup_at": signups.astype("datetime64[us]")})
    return log, users.astype({"account_id": "str"})


@settings(max_examples=60, deadline=None)
@given(data=logs_with_users(), period_end=period_ends(), features=few_features,
       with_users=st.booleans())
def test_time_to_first_use_matches_the_reference(data, period_end, features, with_users):
    log, users = data
    company = company_from_frames({"events": log, "users": users})
    ours = feature_metrics.time_to_first_use(company.table("events"),
                                   company.table("users") if with_users else None,
                                   period_end=period_end, features=features)
    assert_frame_equal(ours, reference.time_to_first_use(
        log, users if with_users else None, period_end=period_end, features=features))


@pytest.mark.parametrize("name, options", [
    ("active_users", {"period": "week"}), ("stickiness", {}),
    ("active_days_distribution", {}), ("lifecycle", {"period": "month"}),
    ("feature_adoption", {"period": "week"}), ("time_to_first_use", {}),
])
def test_the_sample_company_matches_the_reference(sample_dir, name, options):
    log = pd.read_parquet(sample_dir / "events.parquet")
    events = company_from_frames({"events": log}).table("events")
    ours = getattr(usage, name, None) or getattr(feature_metrics, name)
    assert_frame_equal(ours(events, period_end="2026-10-15", **options),
                       getattr(reference, name)(log, period_end="2026-10-15", **options))


def test_feature_use_by_day_folded_into_months(company):
    days = feature_metrics.feature_use(company.table("events"), ["dashboards", "reports"], period="day",
                             period_end="2026-02-28")
    months = event_tables.coarser_use(days, period="month").execute()
    months["period"] = pd.to_datetime(months["period"]).astype("datetime64[us]")
    got = months.sort_values(["user_id", "period"], ignore_index=True)
    # a: 5, 6, 13 and 27 January (reports on the 5th, dashboards on the 27th), 3 and 5
    # February; b: 7 January; c: 12 and 28 January (reports); d: 10 and 11 February.
    expected = pd.DataFrame({
        "user_id": ["a", "a", "b", "c", "d"],
        "period": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-01-01", "2026-01-01",
                                  "2026-02-01"]).astype("datetime64[us]"),
        "days": [4, 2, 1, 2, 2],
        "used_0": [True, False, False, False, False],
        "used_1": [True, False, False, True, True],
    })
    assert_frame_equal(got, expected, check_dtype=False)


def test_metrics_on_distinct_rows_skip_nothing(company):
    # A table of one row per user and week gives the same WAU, lifecycle and retention
    # read as it is (distinct_rows) as the events do.
    events = company.table("events")
    weeks = events.select("user_id", period=events.timestamp.truncate("W")).distinct()
    on = {"period_end": "2026-02-15", "period": "week"}
    assert_frame_equal(usage.active_users(weeks, ts="period", distinct_rows=True, **on),
                       usage.active_users(events, **on))
    assert_frame_equal(usage.lifecycle(weeks, ts="period", distinct_rows=True, **on),
                       usage.lifecycle(events, **on))
    assert_frame_equal(retention(weeks, ts="period", distinct_rows=True, **on),
                       retention(events, **on))
