"""What every other part of cpo_kit builds on; it imports nothing else of cpo_kit.

- :mod:`~cpo_kit.core.errors`: every exception cpo_kit raises, each carrying what a
  user needs to fix their input;
- :mod:`~cpo_kit.core.formats`: money, shares and counts in the company's currency and locale;
- :mod:`~cpo_kit.core.text`: company strings made safe in markdown, and the closest known name;
- :mod:`~cpo_kit.core.files`: whole-file writes and folders a failure does not leave behind;
- :mod:`~cpo_kit.core.sql`: paths, strings and names quoted for the SQL DuckDB runs.
"""
