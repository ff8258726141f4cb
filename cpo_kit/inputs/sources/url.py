"""The one grammar of a source: a URL or a path, its options, its variables and its secrets.

Every source is written the same way, whether it is a run's data or the engine of
its events: ``scheme://where?option=value&...`` (``pyspark:?option=value`` for a
source with no place of its own), or a plain path. Credentials are written as
``${ENVIRONMENT_VARIABLE}`` and expanded only when the source is opened; every
message, log and manifest shows the source as the user wrote it, with a password
written out literally replaced by ``***``.

Imports only :mod:`cpo_kit.core` and :mod:`cpo_kit.inputs.params_file`.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from cpo_kit.core.errors import ParamsError
from cpo_kit.inputs.params_file import one_line

_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
#: Secrets written out literally: a URL's password, or a key=value option naming one.
_LITERAL_SECRETS = (re.compile(r"(://[^:/@]+:)([^@]+)(@)"),
                    re.compile(r"((?:password|encryption_key|token)=)([^&\s]+)", re.I))


@dataclass(frozen=True)
class SourceURL:
    """A source as the user wrote it, split into its parts; nothing expanded yet.

    Attributes
    ----------
    text : str
        The URL or path as written, ``${VARIABLE}`` names included.
    scheme : str
        The scheme, in lower case: ``duckdb``, ``pyspark``, ``postgresql`` ...; empty for a path.
    netloc, path : str
        The URL's network location (user, host, port) and path, as written.
    options : dict
        The query's options, decoded (``?table=events`` gives ``{"table": "events"}``).
    shown : str
        How messages, logs and the manifest show the source: never a secret.
    """

    text: str
    scheme: str
    netloc: str
    path: str
    options: dict[str, str] = field(default_factory=dict)
    shown: str = ""

    @property
    def where(self) -> str:
        """The place the URL names: its network location and path, as written."""
        return self.netloc + self.path

    @property
    def one_line(self) -> str:
        """:attr:`shown`, quoted when it holds a line break or another control character."""
        return one_line(self.shown)

    def expanded(self, text: str | None = None) -> str:
        """``text`` (by default the whole source) with its ``${VARIABLE}`` names expanded."""
        return expand_variables(self.text if text is None else text, self.shown)

    def without(self, *options: str) -> str:
        """The source as written, without the query options named (``table=``, which
        says which table of the engine holds the events, is cpo_kit's, not the engine's)."""
        parts = urlsplit(self.text)
        kept = {k: v for k, v in self.options.items() if k not in options}
        return urlunsplit(parts._replace(query=urlencode(kept)))


def parse(url: str | Path, *, shown: str | None = None) -> SourceURL:
    """Split a source's URL or path into its parts.

    Parameters
    ----------
    url : str or Path
        ``duckdb:///srv/product.duckdb?table=events``, ``pyspark:?parquet=/data/events``,
        ``postgresql://ana:${PGPASSWORD}@db/product``, ``data/company`` ...
    shown : str, optional
        How messages name the source; by default the URL with its secrets masked.

    Returns
    -------
    SourceURL

    Raises
    ------
    ParamsError
        The text cannot be split as a URL (an unclosed ``[`` in its host, for example).

    Examples
    --------
    >>> source = parse("postgresql://ana:hunter2@db/product?sslmode=require")
    >>> source.scheme, source.where, source.options, source.shown
    ('postgresql', 'ana:hunter2@db/product', {'sslmode': 'require'}, \
'postgresql://ana:***@db/product?sslmode=require')
    """
    text = str(url)
    shown = masked(text) if shown is None else shown
    try:
        parts = urlsplit(text)
        options = dict(parse_qsl(parts.query))
    except ValueError as error:
        raise ParamsError(shown, f"not a URL ({error})") from None
    return SourceURL(text, parts.scheme.lower(), parts.netloc, parts.path, options, shown)


def masked(text: str) -> str:
    """``text`` with every literal secret replaced by ``***``.

    Examples
    --------
    >>> masked("postgresql://ana:hunter2@db/prod")
    'postgresql://ana:***@db/prod'
    >>> masked("postgresql://ana:${PGPASSWORD}@db/prod")
    'postgresql://ana:${PGPASSWORD}@db/prod'
    """
    for pattern in _LITERAL_SECRETS:
        text = pattern.sub(lambda m: m.group(1) + (
            m.group(2) if _VARIABLE.fullmatch(m.group(2)) else "***") + (
            m.group(3) if m.re.groups > 2 else ""), text)
    return text


def expand_variables(text: str, shown: str, *,
                     encode: Callable[[str], str] | None = None) -> str:
    """``text`` with each ``${VARIABLE}`` replaced by its value in the environment.

    Parameters
    ----------
    text : str
        A URL or a part of one, as written.
    shown : str
        How messages name the source.
    encode : callable, optional
        Applied to each value as it is put in: ``urllib.parse.quote`` keeps a
        password holding ``@`` or ``/`` from being read as a part of the URL.

    Raises
    ------
    ParamsError
        Naming ``shown`` and the first variable that is not set.
    """
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise ParamsError(shown, f"the environment variable {name} is not set")
        return encode(os.environ[name]) if encode else os.environ[name]

    return _VARIABLE.sub(value, text)


def without_secrets(message: str, url: str) -> str:
    """``message`` (an engine's, which may quote the URL it was given, or a piece of it)
    with every value that the URL's variables expand to, and every secret the URL
    writes out, replaced by ``***``, as written and as percent-encoded in a URL."""
    secrets = [os.environ.get(name) for name in _VARIABLE.findall(url)]
    secrets += [m.group(2) for pattern in _LITERAL_SECRETS for m in pattern.finditer(url)
                if not _VARIABLE.fullmatch(m.group(2))]
    # The longest first: a secret that holds another is replaced whole.
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        for form in (secret, quote(secret, safe="")):
            message = message.replace(form, "***")
    return masked(message)
