"""What notebooks leave behind, and the reports made from it.

Each notebook writes its key tables and headline numbers through
:mod:`~cpo_kit.reports.results`; the stakeholder report reads them back
(:mod:`~cpo_kit.reports.briefing`) and is printed as HTML and PDF
(:mod:`~cpo_kit.reports.stakeholder`), written as slides
(:mod:`~cpo_kit.reports.slides`) and drafted as the quarter's business review
(:mod:`~cpo_kit.reports.qbr`). :mod:`~cpo_kit.reports.tables` makes the formatted
tables notebooks show.

May import :mod:`cpo_kit.core`, :mod:`cpo_kit.metrics` and :mod:`cpo_kit.readings`.
"""
