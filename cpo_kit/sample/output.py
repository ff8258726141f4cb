"""Writing a sample company's files: whole or not at all, the same bytes every time."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write one table as CSV with fixed line endings and date format.

    Parameters
    ----------
    frame : DataFrame
        The table; its index is not written.
    path : Path
        The file. It is written under a temporary name first, so that an
        interrupted run leaves the old file whole.
    """
    tmp = path.with_name(f".{path.name}.tmp")
    frame.to_csv(tmp, index=False, lineterminator="\n", date_format="%Y-%m-%d %H:%M:%S")
    os.replace(tmp, path)


@contextmanager
def parquet_file(path: Path, schema: pa.Schema, **options) -> Iterator[pq.ParquetWriter]:
    """A Parquet writer whose file appears under its name only once it is complete.

    Parameters
    ----------
    path : Path
        The file to write.
    schema : pyarrow.Schema
        The schema of every row group written.
    **options
        Passed to :class:`pyarrow.parquet.ParquetWriter`, such as encodings per column.

    Yields
    ------
    pyarrow.parquet.ParquetWriter
        Write row groups to it with ``write_table``.
    """
    tmp = path.with_name(f".{path.name}.tmp")
    with pq.ParquetWriter(tmp, schema, compression="zstd", **options) as writer:
        yield writer
    os.replace(tmp, path)
