"""Sentences from numbers: each case written out by hand."""
from __future__ import annotations

import math

import pytest

from cpo_kit.readings.narrative import change_sentence, movement


@pytest.mark.parametrize("kwargs, sentence", [
    # rising, against a target it beats
    (dict(label="Weekly active users", value=1099, previous=1047, unit="count", target=1000),
     "Weekly active users rose from 1,047 to 1,099, ahead of its target of 1,000."),
    # falling, with the driver the data shows
    (dict(label="Net revenue retention", value=0.98, previous=1.04, unit="share", target=1.0,
          driver="mostly contraction in SMB"),
     "Net revenue retention fell from 104.0% to 98.0%, short of its target of 100.0% "
     "(mostly contraction in SMB)."),
    # flat: a change under half a percent of the previous value
    (dict(label="MRR", value=100_400.0, previous=100_000.0, unit="currency"),
     "MRR held at $100,400."),
    # no previous period
    (dict(label="NPS (last 90 days)", value=21.6, previous=None, unit="score"),
     "NPS (last 90 days) is 21.6, with no previous period to compare with."),
    (dict(label="NPS (last 90 days)", value=21.6, previous=math.nan, unit="score"),
     "NPS (last 90 days) is 21.6, with no previous period to compare with."),
    # a target exactly met
    (dict(label="Week-4 retention", value=0.55, previous=0.5, unit="share", target=0.55),
     "Week-4 retention rose from 50.0% to 55.0%, exactly on its target."),
    # lower is better: a fall that beats the target
    (dict(label="Logo churn per month", value=0.019, previous=0.025, unit="share",
          target=0.02, direction="lower"),
     "Logo churn per month fell from 2.5% to 1.9%, ahead of its target of 2.0%."),
    # lower is better: a rise past the target
    (dict(label="CAC payback", value=22.6, previous=20.0, unit="months", target=12,
          direction="lower"),
     "CAC payback rose from 20.0 months to 22.6 months, short of its target of 12.0 months."),
    # nothing to say
    (dict(label="SUS", value=None, previous=70.0, unit="score"),
     "SUS could not be computed for this period."),
])
def test_change_sentence(kwargs, sentence):
    assert change_sentence(**kwargs) == sentence


@pytest.mark.parametrize("value, previous, direction, expected", [
    (1.1, 1.0, "higher", "better"),
    (0.9, 1.0, "higher", "worse"),
    (0.9, 1.0, "lower", "better"),
    (1.1, 1.0, "lower", "worse"),
    (1.004, 1.0, "higher", "flat"),
    (0.0, 0.0, "higher", "flat"),
    (1.0, None, "higher", None),
    (None, 1.0, "higher", None),
])
def test_movement(value, previous, direction, expected):
    assert movement(value, previous, direction=direction) == expected
