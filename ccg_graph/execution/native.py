"""SELECT results written by pyoxigraph's own serialisers, with the row cap kept and the rows counted.

pyoxigraph writes a whole `QuerySolutions` in one native call (JSON, XML, CSV, TSV), about seven times faster
than building the same bytes row by row in Python (`ccg_graph.rdf.results`), but it cannot stop at a row cap or
say how many rows it wrote. `CappedSolutionsWriter` is the file it writes into: it counts the rows from the
bytes as they arrive (each format marks a row's start unambiguously, once strings are told apart from
structure), keeps small answers in memory and spills large ones to a temporary file (so the worker's memory
stays flat), and stops the serialiser by raising from `write` as soon as row `cap + 1` begins. A capped
answer is then written again by the Python writers, which stop exactly at the cap: capped answers are rare,
and this way every answer under the cap takes the native path and every capped one keeps its old bytes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO, Protocol

READ_CHUNK = 64 * 1024


class RowCounter(Protocol):
    def feed(self, chunk: bytes) -> int:
        """Rows begun in `chunk` (given the chunks before it)."""

    def finish(self) -> int:
        """Rows the end of the answer completes (a last CSV or TSV line that another server wrote without its
        line break); 0 for the formats whose rows are counted where they begin."""


class _MarkedRows:
    """Formats whose rows are counted where they begin: the end of the answer adds none."""

    def finish(self) -> int:
        return 0


class _LineRows:
    """Formats with one line a row after the header: a last line without its line break is still a row."""

    def __init__(self) -> None:
        self._header = True
        self._open_line = False  # bytes after the last line break

    def _saw(self, chunk: bytes) -> None:
        if chunk:
            self._open_line = not chunk.endswith(b"\n")

    def finish(self) -> int:
        return 1 if self._open_line and not self._header else 0


class XmlRows(_MarkedRows):
    """Rows begin at ``<result>``; in text and attributes ``<`` is always escaped, so it is structure."""

    MARK = b"<result>"

    def __init__(self) -> None:
        self._tail = b""

    def feed(self, chunk: bytes) -> int:
        data = self._tail + chunk
        self._tail = data[-(len(self.MARK) - 1) :]
        return data.count(self.MARK)


class TsvRows(_LineRows):
    """One line a row after the header line: TSV terms are N-Triples terms, whose newlines are escaped."""

    def feed(self, chunk: bytes) -> int:
        self._saw(chunk)
        lines = chunk.count(b"\n")
        if self._header and lines:
            self._header = False
            return lines - 1
        return lines


class CsvRows(_LineRows):
    """One line a row after the header, counting only the newlines outside double-quoted fields.

    A quote inside a quoted field is written twice, so quotes keep toggling in and out of a field correctly.
    """

    def __init__(self) -> None:
        super().__init__()
        self._quoted = False

    def feed(self, chunk: bytes) -> int:
        self._saw(chunk)
        pieces = chunk.split(b'"')
        outside = pieces[1::2] if self._quoted else pieces[0::2]
        if len(pieces) % 2 == 0:
            self._quoted = not self._quoted
        lines = sum(piece.count(b"\n") for piece in outside)
        if self._header and lines:
            self._header = False
            return lines - 1
        return lines


class JsonRows(_MarkedRows):
    """Rows begin with ``[{`` (the first) or ``,{`` (the others) outside strings, white space aside.

    Every other object starts after a ``:``. Oxigraph writes no white space; other servers (a remote store's
    answer relayed as it came) indent, so white space outside strings is dropped before counting. Inside a
    string a quote is always escaped, so once escaped backslashes and escaped quotes are removed, the quotes
    left alternate between structure and string content.
    """

    def __init__(self) -> None:
        self._in_string = False
        self._pending = b""  # a run of backslashes at the end of a chunk, to pair with the next chunk
        self._last = b""  # the last structural byte seen, for a ``,`` | ``{`` split between chunks

    def feed(self, chunk: bytes) -> int:
        data = self._pending + chunk
        run = len(data) - len(data.rstrip(b"\\"))
        if run % 2:  # the last backslash escapes the first byte of the next chunk
            data, self._pending = data[:-1], b"\\"
        else:
            self._pending = b""
        pieces = data.replace(b"\\\\", b"").replace(b'\\"', b"").split(b'"')
        # Pieces alternate between structure and string content; the strings become empty ones ("").
        structure = b'""'.join(pieces[1::2] if self._in_string else pieces[0::2]).translate(None, b" \t\r\n")
        if len(pieces) % 2 == 0:
            self._in_string = not self._in_string
        joined = self._last + structure
        self._last = b"" if self._in_string else joined[-1:]
        return joined.count(b"[{") + joined.count(b",{")


COUNTERS: dict[str, type[XmlRows] | type[TsvRows] | type[CsvRows] | type[JsonRows]] = {
    "json": JsonRows,
    "xml": XmlRows,
    "csv": CsvRows,
    "tsv": TsvRows,
}


class RowCapReached(Exception):
    """Raised from `write` to stop the serialiser once row `cap + 1` begins."""


class CappedSolutionsWriter:
    """A binary file for `QuerySolutions.serialize`: counts rows, stops past `cap`, spills past `inline_bytes`."""

    def __init__(self, short_format: str, cap: int, inline_bytes: int) -> None:
        self.rows = 0
        self.capped = False
        self._counter: RowCounter = COUNTERS[short_format]()
        self._cap = cap
        self._inline_bytes = inline_bytes
        self._chunks: list[bytes] = []
        self._size = 0
        self._spill: IO[bytes] | None = None

    def write(self, data: bytes) -> int:
        if self.capped:
            return len(data)  # the serialiser flushing its buffer after the stop
        chunk = bytes(data)
        self.rows += self._counter.feed(chunk)
        if self.rows > self._cap:
            self.capped = True
            raise RowCapReached(f"more than {self._cap} rows")
        if self._spill is not None:
            self._spill.write(chunk)
        else:
            self._chunks.append(chunk)
            self._size += len(chunk)
            if self._size > self._inline_bytes:
                self._spill = tempfile.TemporaryFile()  # noqa: SIM115 - closed by chunks() or close()
                self._spill.writelines(self._chunks)
                self._chunks = []
        return len(data)

    def flush(self) -> None:
        """Nothing is buffered here beyond what `write` keeps."""

    def finish(self) -> None:
        """Count what the end of the answer completes (`RowCounter.finish`); raises `RowCapReached` past the cap.
        pyoxigraph ends every line it writes, so only an answer written elsewhere needs it."""
        self.rows += self._counter.finish()
        if self.rows > self._cap:
            self.capped = True
            raise RowCapReached(f"more than {self._cap} rows")

    @property
    def spilled(self) -> bool:
        return self._spill is not None

    def body(self) -> bytes:
        """The whole answer, when it stayed in memory."""
        assert self._spill is None
        return b"".join(self._chunks)

    def chunks(self) -> Iterator[bytes]:
        """The answer in chunks of `READ_CHUNK` bytes, from memory or from the spill file (then closed)."""
        if self._spill is None:
            yield from self._chunks
            return
        spill = self._spill
        try:
            spill.seek(0)
            while chunk := spill.read(READ_CHUNK):
                yield chunk
        finally:
            spill.close()

    def close(self) -> None:
        if self._spill is not None:
            self._spill.close()
