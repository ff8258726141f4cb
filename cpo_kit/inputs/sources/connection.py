"""What a source is once opened, and what the registry holds for each kind of source.

Imports only :mod:`cpo_kit.core` and the modules of :mod:`cpo_kit.inputs` before it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cpo_kit.core.errors import ParamsError
from cpo_kit.inputs.contract import TABLES
from cpo_kit.inputs.loaders import normalise
from cpo_kit.inputs.sources.url import SourceURL

#: The two uses of a source: a run's data (its contract tables, copied once into a
#: snapshot) and the engine the notebooks' events metrics run on.
USES = ("data", "events")


class Connection:
    """An open source: its tables, on the engine that holds them.

    :func:`~cpo_kit.inputs.sources.connect` returns one for either use:
    :meth:`events` gives the events as an ibis table for the notebooks' metrics,
    :meth:`snapshot` copies the contract's tables into Parquet files for a run.
    A kind of source implements :meth:`table_names` and :meth:`table` (an importer
    of exports, a database driver), and may write a table faster than ibis does by
    overriding :meth:`write_parquet`.

    Parameters
    ----------
    url : SourceURL
        The source as the user wrote it.
    """

    def __init__(self, url: SourceURL):
        self.url = url

    #: Where the source's tables are looked for, as the end of a message's sentence:
    #: empty, or " in its schema 'public'" for a database of several schemas.
    place = ""

    def table_names(self) -> list[str]:
        """The names of the source's tables, as the source spells them."""
        raise NotImplementedError

    def table(self, name: str):
        """The table ``name`` of the source, as an ibis table."""
        raise NotImplementedError

    def events(self):
        """The events, as an ibis table: the table named by the URL's ``table=``."""
        return self.table(self.url.options["table"])

    def write_parquet(self, name: str, path: Path) -> None:
        """Write the source's table ``name`` into the Parquet file ``path``."""
        self.table(name).to_parquet(path)

    def snapshot(self, folder: Path) -> list[str]:
        """Copy every contract table the source holds into ``folder``, one Parquet file each.

        Returns
        -------
        list of str
            The contract's names of the tables copied.

        Raises
        ------
        ParamsError
            The source holds no table of the contract.
        """
        present = {normalise(name): name for name in self.table_names()}
        copied = [name for name in TABLES if name in present]
        if not copied:
            raise ParamsError(self.url.shown, f"holds no table of the contract{self.place} "
                              "(expected tables such as events, accounts, mrr)")
        for name in copied:
            self.write_parquet(present[name], folder / f"{name}.parquet")
        return copied

    def close(self) -> None:
        """Let go of the source; by default there is nothing to let go of."""

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass(frozen=True)
class Opener:
    """How one kind of source is reached for one use.

    Attributes
    ----------
    check : callable
        ``check(url)`` refuses, with a :class:`~cpo_kit.core.errors.ParamsError`
        naming the source, what cannot work; it connects to nothing and starts no engine.
    connect : callable
        ``connect(url)`` gives the :class:`Connection`; it is called only after ``check``.
    """

    check: Callable[[SourceURL], None]
    connect: Callable[[SourceURL], Connection]


@dataclass(frozen=True)
class Scheme:
    """One entry of the registry: a URL scheme and what it serves.

    Attributes
    ----------
    start : str
        How a URL of this kind starts, as messages list it: ``duckdb://``, ``pyspark:``.
    data : Opener, optional
        How it is opened as a run's data; None when it cannot be.
    events : Opener, optional
        How it is opened as the engine of the events; None to leave it to ibis.
    """

    start: str
    data: Opener | None = None
    events: Opener | None = None
