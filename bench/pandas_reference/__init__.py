"""Plain pandas implementations of the metrics, written from the textbook definitions.

They are deliberately simple (loops and groupbys over raw events in memory) and
independent of cpo_kit's engine code: property tests compare the two on random
event logs, and ``bench/kpi.py`` measures both side by side.
"""
