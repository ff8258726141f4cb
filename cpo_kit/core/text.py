"""Text for people: company strings made safe in markdown, and the closest known name.

Names, segments, features and titles come from a company's own files and params;
shown through markdown (a notebook's ``Markdown`` output, the book's substitutions)
a ``<script>``, a link or an emphasis in them would be taken as markup. Every ASCII
punctuation character is escaped with a backslash, which CommonMark renders as
the character itself.
"""
from __future__ import annotations

import difflib
import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def markdown_literal(text) -> str:
    r"""``text`` as markdown that renders exactly as ``text``, markup included.

    Examples
    --------
    >>> markdown_literal("*Acme* <b>")
    '\\*Acme\\* \\<b\\>'
    """
    return _PUNCTUATION.sub(r"\\\1", str(text))


def did_you_mean(name: str, known) -> str:
    """`` (did you mean 'x'?)`` for the closest known name, or nothing.

    Examples
    --------
    >>> did_you_mean("acounts", ["accounts", "events"])
    " (did you mean 'accounts'?)"
    """
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
