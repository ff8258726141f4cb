"""The published playbook: a Jupyter Book of one run (``cpo-kit publish``).

:mod:`~cpo_kit.site.publish` stages a run's notebooks with the book's chapters and
builds them; :mod:`~cpo_kit.site.book_ext` is the Sphinx extension that keeps the book
offline and fills in the company's own examples; :mod:`~cpo_kit.site.reference`
writes the reference pages (glossary, data contract, command line) from the code.
``book_static/`` holds the site's stylesheet, script and icon.

May import every other part of cpo_kit, the command line included (for its reference page).
"""
