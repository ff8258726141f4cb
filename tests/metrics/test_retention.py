"""Retention on hand-made event logs whose tables are worked out by hand, and against pandas."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpo_kit.core.errors import MissingTables
from cpo_kit.metrics import METRICS, compute
from cpo_kit.metrics.retention import retention, retention_table
from tests.companies import company_from_frames
from tests.strategies import DAYS, EVENT_NAMES, FIRST_DAY, event_logs, period_ends

from pandas_reference.retention import retention as reference_retention

# ISO weeks of January 2026: W0 = 5-11, W1 = 12-18, W2 = 19-25, W3 = 26 Jan-1 Feb, W4 = 2-8 Feb.
WEEKLY = [
    ("a", "2026-01-05 09:00", "login"),           # W0
    ("a", "2026-01-13 10:00", "login"),           # W1
    ("a", "2026-01-27 10:00", "create_report"),   # W3: back after a gap
    ("b", "2026-01-07 12:00", "login"),           # W0: one event only
    ("c", "2026-01-09 08:00", "view_dashboard"),  # W0
    ("c", "2026-01-20 08:00", "login"),           # W2: skips W1
    ("d", "2026-01-06 18:00", "view_dashboard"),  # W0: before d's signup event
    ("d", "2026-01-14 09:00", "signup"),          # W1
    ("d", "2026-01-15 09:00", "create_report"),   # W1
    ("d", "2026-01-21 09:00", "create_report"),   # W2
    ("e", "2026-01-12 07:00", "signup"),          # W1
    ("e", "2026-01-22 07:00", "login"),           # W2
    ("e", "2026-02-02 07:00", "login"),           # W4
]
# Signup cohorts: b signed up after its first event that same day, c and d a week after
# their first events, f never had an event, g signed up after the period end and e is
# not in the table.
SIGNUPS = [("a", "2026-01-05 08:00"), ("b", "2026-01-07 13:00"), ("c", "2026-01-12 10:00"),
           ("d", "2026-01-14 08:00"), ("f", "2026-01-13 10:00"), ("g", "2026-02-03 10:00")]
MONTHLY = [
    ("f", "2026-01-31 23:59:59", "login"),
    ("f", "2026-02-01 00:00:00", "login"),
    ("f", "2026-04-01 00:00:00", "login"),
    ("g", "2026-02-28 12:00:00", "login"),
    ("g", "2026-03-01 00:00:00", "login"),
    ("h", "2026-04-10 00:00:00", "login"),
]


def events_frame(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["user_id", "timestamp", "event"])
    frame["timestamp"] = pd.to_datetime(frame["timestamp"]).astype("datetime64[us]")
    return frame


def users_frame(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["user_id", "signup_at"])
    frame["signup_at"] = pd.to_datetime(frame["signup_at"]).astype("datetime64[us]")
    return frame


def expected(rows) -> pd.DataFrame:
    """The long frame from rows of (cohort, cohort size, N, users retained)."""
    frame = pd.DataFrame(rows, columns=["cohort", "cohort_size", "period_number", "users"])
    frame["cohort"] = pd.to_datetime(frame["cohort"]).astype("datetime64[us]")
    frame = frame.astype({"cohort_size": "int64", "period_number": "int64", "users": "int64"})
    frame["retention"] = (frame["users"] / frame["cohort_size"]).astype("float64")
    return frame


def run_cpo_kit(events, users=None, **options):
    company = company_from_frames({"events": events} | ({"users": users} if users is not None
                                                         else {}))
    return retention(company.table("events"),
                     users=None if users is None else company.table("users"), **options)


@pytest.fixture(params=["cpo_kit", "reference"])
def implementation(request):
    """Both implementations must give the tables worked out by hand."""
    return run_cpo_kit if request.param == "cpo_kit" else reference_retention


CASES = {
    # Week 3 (26 Jan-1 Feb) is incomplete on 31 January: cells up to N = 2, e's W4 ignored.
    "bounded": (dict(period_end="2026-01-31"), [
        ("2026-01-05", 4, 0, 4), ("2026-01-05", 4, 1, 2), ("2026-01-05", 4, 2, 2),
        ("2026-01-12", 1, 0, 1), ("2026-01-12", 1, 1, 1)]),
    # c (gap in W1) and a (back in the incomplete W3) count from N = 1 and 2 on.
    "unbounded": (dict(period_end="2026-01-31", form="unbounded"), [
        ("2026-01-05", 4, 0, 4), ("2026-01-05", 4, 1, 3), ("2026-01-05", 4, 2, 3),
        ("2026-01-12", 1, 0, 1), ("2026-01-12", 1, 1, 1)]),
    "bounded, weeks complete": (dict(period_end="2026-02-08"), [
        ("2026-01-05", 4, 0, 4), ("2026-01-05", 4, 1, 2), ("2026-01-05", 4, 2, 2),
        ("2026-01-05", 4, 3, 1), ("2026-01-05", 4, 4, 0),
        ("2026-01-12", 1, 0, 1), ("2026-01-12", 1, 1, 1), ("2026-01-12", 1, 2, 0),
        ("2026-01-12", 1, 3, 1)]),
    "unbounded, weeks complete": (dict(period_end="2026-02-08", form="unbounded"), [
        ("2026-01-05", 4, 0, 4), ("2026-01-05", 4, 1, 3), ("2026-01-05", 4, 2, 3),
        ("2026-01-05", 4, 3, 1), ("2026-01-05", 4, 4, 0),
        ("2026-01-12", 1, 0, 1), ("2026-01-12", 1, 1, 1), ("2026-01-12", 1, 2, 1),
        ("2026-01-12", 1, 3, 1)]),
    # d's first signup comes a week after its first event: d and e start in W1, and d's
    # W0 activity is before its cohort.
    "cohort event": (dict(period_end="2026-01-31", cohort_event="signup"), [
        ("2026-01-12", 2, 0, 2), ("2026-01-12", 2, 1, 2)]),
    # Only create_report brings a user back, but N = 0 stays everybody.
    "return event": (dict(period_end="2026-01-31", return_event="create_report"), [
        ("2026-01-05", 4, 0, 4), ("2026-01-05", 4, 1, 1), ("2026-01-05", 4, 2, 1),
        ("2026-01-12", 1, 0, 1), ("2026-01-12", 1, 1, 0)]),
    "return event, unbounded": (dict(period_end="2026-01-31", return_event="create_report",
                                     form="unbounded"), [
        ("2026-01-05", 4, 0, 4), ("2026-01-05", 4, 1, 2), ("2026-01-05", 4, 2, 2),
        ("2026-01-12", 1, 0, 1), ("2026-01-12", 1, 1, 0)]),
    # e, who signed up but never reported, is still retained at N = 0 by definition.
    "cohort and return events": (dict(period_end="2026-01-31", cohort_event="signup",
                                      return_event="create_report"), [
        ("2026-01-12", 2, 0, 2), ("2026-01-12", 2, 1, 1)]),
    "days": (dict(period="day", period_end="2026-01-07"), [
        ("2026-01-05", 1, 0, 1), ("2026-01-05", 1, 1, 0), ("2026-01-05", 1, 2, 0),
        ("2026-01-06", 1, 0, 1), ("2026-01-06", 1, 1, 0),
        ("2026-01-07", 1, 0, 1)]),
    # Nothing is complete before Sunday 11 January, and nothing happened before 5 January.
    "no complete week": (dict(period_end="2026-01-10"), []),
    "before any event": (dict(period_end="2025-12-31", form="unbounded"), []),
}


@pytest.mark.parametrize("options, rows", CASES.values(), ids=CASES.keys())
def test_event_cohorts(implementation, options, rows):
    result = implementation(events_frame(WEEKLY), **options)
    pd.testing.assert_frame_equal(result, expected(rows))


SIGNUP_CASES = {
    # W0 = {a, b}: b's event an hour before its signup still counts in N = 0.
    # W1 = {c, d, f}: c's and d's W0 events come before their signup week and do not
    # count; f never came; g signed up after the period end; e is not a user.
    "bounded": (dict(), [
        ("2026-01-05", 2, 0, 2), ("2026-01-05", 2, 1, 1), ("2026-01-05", 2, 2, 0),
        ("2026-01-12", 3, 0, 1), ("2026-01-12", 3, 1, 2)]),
    "unbounded": (dict(form="unbounded"), [
        ("2026-01-05", 2, 0, 2), ("2026-01-05", 2, 1, 1), ("2026-01-05", 2, 2, 1),
        ("2026-01-12", 3, 0, 2), ("2026-01-12", 3, 1, 2)]),
    "return event": (dict(return_event="create_report"), [
        ("2026-01-05", 2, 0, 0), ("2026-01-05", 2, 1, 0), ("2026-01-05", 2, 2, 0),
        ("2026-01-12", 3, 0, 1), ("2026-01-12", 3, 1, 1)]),
}


@pytest.mark.parametrize("options, rows", SIGNUP_CASES.values(), ids=SIGNUP_CASES.keys())
def test_signup_cohorts(implementation, options, rows):
    result = implementation(events_frame(WEEKLY), users=users_frame(SIGNUPS),
                            period_end="2026-01-31", **options)
    pd.testing.assert_frame_equal(result, expected(rows))


MONTH_CASES = {
    # f's events a second apart fall in January and February.
    "March complete": (dict(period_end="2026-03-31"), [
        ("2026-01-01", 1, 0, 1), ("2026-01-01", 1, 1, 1), ("2026-01-01", 1, 2, 0),
        ("2026-02-01", 1, 0, 1), ("2026-02-01", 1, 1, 1)]),
    "March complete, unbounded": (dict(period_end="2026-03-31", form="unbounded"), [
        ("2026-01-01", 1, 0, 1), ("2026-01-01", 1, 1, 1), ("2026-01-01", 1, 2, 0),
        ("2026-02-01", 1, 0, 1), ("2026-02-01", 1, 1, 1)]),
    # April is incomplete: no April cell or cohort (h), but f's 1 April visit counts
    # for the unbounded form.
    "April incomplete": (dict(period_end="2026-04-29"), [
        ("2026-01-01", 1, 0, 1), ("2026-01-01", 1, 1, 1), ("2026-01-01", 1, 2, 0),
        ("2026-02-01", 1, 0, 1), ("2026-02-01", 1, 1, 1)]),
    "April incomplete, unbounded": (dict(period_end="2026-04-29", form="unbounded"), [
        ("2026-01-01", 1, 0, 1), ("2026-01-01", 1, 1, 1), ("2026-01-01", 1, 2, 1),
        ("2026-02-01", 1, 0, 1), ("2026-02-01", 1, 1, 1)]),
    "April complete": (dict(period_end="2026-04-30"), [
        ("2026-01-01", 1, 0, 1), ("2026-01-01", 1, 1, 1), ("2026-01-01", 1, 2, 0),
        ("2026-01-01", 1, 3, 1),
        ("2026-02-01", 1, 0, 1), ("2026-02-01", 1, 1, 1), ("2026-02-01", 1, 2, 0),
        ("2026-04-01", 1, 0, 1)]),
}


@pytest.mark.parametrize("options, rows", MONTH_CASES.values(), ids=MONTH_CASES.keys())
def test_months(implementation, options, rows):
    result = implementation(events_frame(MONTHLY), period="month", **options)
    pd.testing.assert_frame_equal(result, expected(rows))


def test_retention_table():
    long = run_cpo_kit(events_frame(WEEKLY), period_end="2026-01-31")
    wide = pd.DataFrame([[1.0, 0.5, 0.5], [1.0, 1.0, np.nan]],
                        index=pd.DatetimeIndex(["2026-01-05", "2026-01-12"], dtype="datetime64[us]",
                                               name="cohort"),
                        columns=pd.Index([0, 1, 2], dtype="int64", name="period_number"))
    pd.testing.assert_frame_equal(retention_table(long), wide)
    assert retention_table(long, values="users").loc["2026-01-05"].tolist() == [4, 2, 2]


def test_retention_table_with_sizes():
    # a, b, c and d start in W0; e alone in W1 (d's first event is in W0).
    long = run_cpo_kit(events_frame(WEEKLY), period_end="2026-01-31")
    wide = pd.DataFrame([[1.0, 0.5, 0.5], [1.0, 1.0, np.nan]],
                        index=pd.MultiIndex.from_arrays(
                            [pd.DatetimeIndex(["2026-01-05", "2026-01-12"],
                                              dtype="datetime64[us]"),
                             pd.Index([4, 1], dtype="int64")],
                            names=["cohort", "cohort_size"]),
                        columns=pd.Index([0, 1, 2], dtype="int64", name="period_number"))
    pd.testing.assert_frame_equal(retention_table(long, sizes=True), wide)
    # Cutting rows and columns, as the notebook does, keeps each size with its cohort.
    cut = retention_table(long, values="users", sizes=True).tail(1).iloc[:, :2]
    assert cut.index.tolist() == [(pd.Timestamp("2026-01-12"), 1)]
    assert cut.to_numpy().tolist() == [[1, 1]]


@pytest.mark.parametrize("options, message", [
    (dict(period="quarter"), "period must be one of day, week, month, not 'quarter'"),
    (dict(form="rolling"), "form must be one of bounded, unbounded, not 'rolling'"),
    (dict(users=users_frame(SIGNUPS), cohort_event="signup"),
     "cohort_event cannot be used with users: signup cohorts are defined by signup_at"),
])
def test_errors(options, message):
    with pytest.raises(ValueError, match=message):
        run_cpo_kit(events_frame(WEEKLY), period_end="2026-01-31", **options)


def test_retention_table_error():
    with pytest.raises(ValueError, match="values must be retention or users, not 'share'"):
        retention_table(run_cpo_kit(events_frame(WEEKLY), period_end="2026-01-31"),
                        values="share")


def test_registered_metrics():
    company = company_from_frames({"events": events_frame(WEEKLY),
                                   "users": users_frame(SIGNUPS)})
    pd.testing.assert_frame_equal(
        compute("retention", company, period_end="2026-01-31"),
        expected(CASES["bounded"][1]))
    pd.testing.assert_frame_equal(
        compute("retention_unbounded", company, period_end="2026-01-31"),
        expected(CASES["unbounded"][1]))
    pd.testing.assert_frame_equal(
        compute("retention", company, period_end="2026-01-31", signup_cohorts=True,
                form="unbounded"),
        expected(SIGNUP_CASES["unbounded"][1]))
    assert {METRICS["retention"].family, METRICS["retention_unbounded"].family} == {"retention"}


def test_signup_cohorts_need_the_users_table():
    company = company_from_frames({"events": events_frame(WEEKLY)})
    with pytest.raises(MissingTables, match="the users table was not provided"):
        compute("retention", company, period_end="2026-01-31", signup_cohorts=True)


@pytest.mark.parametrize("period", ["week", "month"])
def test_sample_company_matches_reference(sample_dir, period):
    from cpo_kit import load_company

    company = load_company(sample_dir)
    events = pd.read_parquet(sample_dir / "events.parquet", columns=["user_id", "timestamp",
                                                                     "event"])
    users = company.tables["users"]
    for options in (dict(), dict(form="unbounded", return_event="create_report"),
                    dict(cohort_event="signup"), dict(users=users, form="unbounded")):
        ours = retention(company.table("events"), period=period, period_end="2026-09-30",
                         **(options | ({"users": company.table("users")}
                                       if "users" in options else {})))
        theirs = reference_retention(events, period=period, period_end="2026-09-30", **options)
        pd.testing.assert_frame_equal(ours, theirs)


# Property tests: cpo_kit against the pandas reference on random event logs. Fewer users
# with more events each than the strategy's default: most users then come back at least
# once, so the tests see retention below 100% and not only empty or full cells.
logs = event_logs(max_users=5, max_events=100)


def period_end_for(events: pd.DataFrame) -> st.SearchStrategy[pd.Timestamp]:
    """Any period end, or the day of one of the events, where off-by-one-day errors show."""
    return period_ends() | st.sampled_from(sorted(events["timestamp"].dt.normalize().unique()))
events_options = st.fixed_dictionaries({
    "period": st.sampled_from(["day", "week", "month"]),
    "form": st.sampled_from(["bounded", "unbounded"]),
    "cohort_event": st.none() | st.sampled_from(EVENT_NAMES),
    "return_event": st.none() | st.sampled_from(EVENT_NAMES),
})


@settings(max_examples=60, deadline=None)
@given(data=st.data(), events=logs, options=events_options)
def test_event_cohorts_match_reference(data, events, options):
    period_end = data.draw(period_end_for(events))
    ours = run_cpo_kit(events, period_end=period_end, **options)
    pd.testing.assert_frame_equal(
        ours, reference_retention(events, period_end=period_end, **options))


@st.composite
def signups(draw, events: pd.DataFrame) -> pd.DataFrame:
    """A users table for ``events``: some of its users, and some who never had an event."""
    users = sorted(set(events["user_id"])) + [f"never{i}" for i in range(draw(st.integers(0, 3)))]
    kept = [u for u in users if draw(st.booleans())]
    minutes = draw(st.lists(st.integers(-7 * 24 * 60, DAYS * 24 * 60), min_size=len(kept),
                            max_size=len(kept)))
    return pd.DataFrame({"user_id": pd.Series(kept, dtype="str"),
                         "signup_at": (FIRST_DAY + pd.to_timedelta(minutes, unit="min")
                                       ).astype("datetime64[us]")})


@settings(max_examples=60, deadline=None)
@given(data=st.data(), events=logs, period=st.sampled_from(["day", "week", "month"]),
       form=st.sampled_from(["bounded", "unbounded"]),
       return_event=st.none() | st.sampled_from(EVENT_NAMES))
def test_signup_cohorts_match_reference(data, events, period, form, return_event):
    period_end = data.draw(period_end_for(events))
    users = data.draw(signups(events))
    options = dict(period=period, period_end=period_end, form=form, return_event=return_event)
    ours = run_cpo_kit(events, users=users, **options)
    pd.testing.assert_frame_equal(ours, reference_retention(events, users=users, **options))


@settings(max_examples=60, deadline=None)
@given(events=logs, period_end=period_ends(), period=st.sampled_from(["day", "week",
                                                                               "month"]))
def test_unbounded_never_rises_and_is_at_least_bounded(events, period_end, period):
    bounded = run_cpo_kit(events, period=period, period_end=period_end)
    unbounded = run_cpo_kit(events, period=period, period_end=period_end, form="unbounded")
    assert (unbounded["users"] >= bounded["users"]).all()
    assert (unbounded.groupby("cohort")["users"].diff().fillna(0) <= 0).all()
    assert (bounded.loc[bounded["period_number"] == 0, "retention"] == 1).all()
