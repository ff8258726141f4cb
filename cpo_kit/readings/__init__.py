"""What each notebook's numbers say, written for people: one module per notebook (two
for the longest, whose "What to do next" has a module of its own: `<notebook>_next`).

A section's "What it shows" paragraph and a notebook's "What to do next" list are
written by these functions from the numbers the notebook computed, so they hold for
whichever company the notebook runs on; a recommendation whose condition does not
hold on those numbers is left out.

Imports :mod:`cpo_kit.core` and the KPI catalogue of :mod:`cpo_kit.metrics`, to name KPIs
as the catalogue does: a reading is handed what a notebook computed and describes it; it
calls no metric of its own.
"""
