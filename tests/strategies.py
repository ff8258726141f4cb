"""Hypothesis strategies: small random company data around the contract."""
from __future__ import annotations

import pandas as pd
from hypothesis import strategies as st

EVENT_NAMES = ("login", "view_dashboard", "create_report", "share_report", "invite_user")
FEATURES = (None, "dashboards", "reports", "automation")
PLATFORMS = ("web", "ios", "android")
#: Random timestamps fall in these days, so periods of every length repeat and gap.
FIRST_DAY = pd.Timestamp("2026-01-01")
DAYS = 120


@st.composite
def event_logs(draw, *, max_users: int = 8, max_events: int = 60) -> pd.DataFrame:
    """An events table typed as the loaders type it: a few users, a few months, gaps."""
    n_users = draw(st.integers(1, max_users))
    users = [f"u{i}" for i in range(n_users)]
    rows = draw(st.lists(st.tuples(
        st.sampled_from(users),
        st.integers(0, DAYS * 24 * 60 - 1),  # minute of the window
        st.sampled_from(EVENT_NAMES),
        st.sampled_from(FEATURES),
        st.sampled_from(PLATFORMS),
    ), min_size=1, max_size=max_events))
    frame = pd.DataFrame(rows, columns=["user_id", "minute", "event", "feature", "platform"])
    frame["timestamp"] = (FIRST_DAY + pd.to_timedelta(frame.pop("minute"), unit="min")
                          ).astype("datetime64[us]")
    frame["session_id"] = frame["user_id"] + "-" + frame["timestamp"].dt.strftime("%Y%m%d")
    frame = frame[["user_id", "timestamp", "event", "feature", "platform", "session_id"]]
    return frame.astype({"user_id": "str", "event": "str", "feature": "str", "platform": "str",
                         "session_id": "str"})


def period_ends() -> st.SearchStrategy[pd.Timestamp]:
    """A ``period_end`` inside or just after the random window."""
    return st.integers(20, DAYS + 10).map(lambda d: FIRST_DAY + pd.Timedelta(days=d))
