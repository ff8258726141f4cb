"""Opening a table file through its compression: gzip (``.csv.gz``) or zstd (``.csv.zst``).

What was written is read whole, every frame of it, and a file cut short is an
error rather than less data.
"""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from cpo_kit.core.errors import DataError, DataProblem


def open_bytes(path: Path, compression: str | None) -> BinaryIO:
    """The file's bytes, decompressed when ``compression`` is ``"gzip"`` or ``"zstd"``.

    Raises
    ------
    DataError
        Reading a ``.csv.zst`` file needs the zstandard package, and it is missing.
    """
    if compression == "gzip":
        import gzip

        return gzip.open(path, "rb")
    if compression == "zstd":
        try:
            import zstandard
        except ImportError:
            raise DataError([DataProblem(
                str(path), "reading a .csv.zst file needs the Python package zstandard",
                expected="pip install zstandard, or the file saved as .csv.gz or .csv")]
            ) from None
        return _ZstdFrames(path, zstandard)
    return path.open("rb")


class _ZstdFrames:
    """A zstd file's text, every frame of it; one cut short is an error.

    zstandard's own stream reader returns nothing, without an error, for a frame cut
    short, and DuckDB reads no rows from it: a truncated download would pass as empty.
    """

    def __init__(self, path: Path, zstandard):
        self.file, self.zstd = path.open("rb"), zstandard
        self.context = zstandard.ZstdDecompressor()
        self.frame, self.begun = self.context.decompressobj(), False
        self.text, self.ended = b"", False

    def read(self, size: int = -1) -> bytes:
        while not self.ended and (size < 0 or len(self.text) < size):
            self._decompress(self.file.read(1 << 20))
        cut = len(self.text) if size < 0 else size
        out, self.text = self.text[:cut], self.text[cut:]
        return out

    def _decompress(self, data: bytes) -> None:
        if not data:
            if self.begun and not self.frame.eof:
                raise self.zstd.ZstdError("the file ends inside a compressed frame")
            self.ended = True
        while data:
            if self.frame.eof:  # the next frame begins
                self.frame = self.context.decompressobj()
            self.begun = True
            self.text += self.frame.decompress(data)
            data = self.frame.unused_data if self.frame.eof else b""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.file.close()


def decompression_errors() -> tuple[type[Exception], ...]:
    """What reading a damaged compressed file raises (gzip's, zlib's and zstandard's)."""
    import zlib

    errors: list[type[Exception]] = [OSError, EOFError, zlib.error]
    try:
        import zstandard

        errors.append(zstandard.ZstdError)
    except ImportError:
        pass
    return tuple(errors)
