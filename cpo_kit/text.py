"""Company strings made safe to show: in markdown, nothing in them is markup.

Names, segments, features and titles come from a company's own files and params;
shown through markdown (a notebook's ``Markdown`` output, the book's substitutions)
a ``<script>``, a link or an emphasis in them would be taken as markup. Every ASCII
punctuation character is escaped with a backslash, which CommonMark renders as
the character itself.
"""
from __future__ import annotations

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
