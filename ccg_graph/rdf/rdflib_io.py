"""Reading RDF files and artefact folders into rdflib graphs, with errors that point at the file and line."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import IO, cast

from rdflib import Dataset, Graph
from rdflib.exceptions import ParserError
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.util import guess_format

from ccg_graph.core.errors import BadInput
from ccg_graph.core.namespaces import PREFIXES

#: File suffixes we read, and the rdflib parser for each.
FORMATS_BY_SUFFIX = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".n3": "n3",
    ".trig": "trig",
    ".nq": "nquads",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}

_LINE_IN_MESSAGE = re.compile(r"line (\d+)", re.IGNORECASE)


def open_binary(path: Path) -> IO[bytes]:
    """`path` opened for reading bytes, decompressed on the way when it ends in ``.gz``.

    A `gzip.GzipFile` is a binary file object, but typeshed does not declare it an ``IO[bytes]``, the type
    rdflib's and pyoxigraph's parsers take: the cast says what it is, once, here.
    """
    return cast(IO[bytes], gzip.open(path, "rb")) if path.suffix.lower() == ".gz" else path.open("rb")


def rdf_format_for(path: Path) -> str:
    """The rdflib format name for a file, from its suffix (a trailing ``.gz`` is looked through)."""
    if path.suffix.lower() == ".gz":
        path = path.with_suffix("")
    fmt = FORMATS_BY_SUFFIX.get(path.suffix.lower()) or guess_format(str(path))
    if fmt is None:
        known = ", ".join(sorted(FORMATS_BY_SUFFIX))
        raise BadInput(f"unknown RDF file type {path.suffix!r} (expected one of {known})", path=path)
    return fmt


def bind_prefixes(graph: Graph) -> Graph:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph


def parse_into(graph: Graph, path: Path, fmt: str | None = None) -> Graph:
    """Parse `path` into `graph`; a missing file or a syntax error becomes `BadInput` with the line."""
    if not path.is_file():
        raise BadInput("no such file", path=path)
    fmt = fmt or rdf_format_for(path)
    try:
        if path.suffix.lower() == ".gz":
            with open_binary(path) as stream:
                graph.parse(source=stream, format=fmt)
        else:
            graph.parse(path, format=fmt)
    except UnicodeDecodeError as err:
        raise BadInput(f"not UTF-8 text: {err.reason} at byte {err.start}", path=path) from err
    except BadSyntax as err:
        # rdflib counts lines from 0 in BadSyntax.lines.
        raise BadInput(
            f"{fmt} syntax error: {getattr(err, '_why', err.message)}", path=path, line=err.lines + 1
        ) from err
    except (ParserError, SyntaxError, ValueError) as err:
        match = _LINE_IN_MESSAGE.search(str(err))
        line = int(match.group(1)) if match else None
        raise BadInput(f"{fmt} syntax error: {err}", path=path, line=line) from err
    except (OSError, EOFError) as err:
        raise BadInput(f"cannot read: {err}", path=path) from err
    return graph


def read_graph(*paths: Path) -> Graph:
    """The union of the triples of `paths` (TriG/N-Quads graphs are flattened into one graph)."""
    graph = bind_prefixes(Graph())
    for path in paths:
        fmt = rdf_format_for(path)
        if fmt in {"trig", "nquads"}:
            dataset = Dataset()
            parse_into(dataset, path, fmt)
            for s, p, o, _ in dataset.quads():
                graph.add((s, p, o))
        else:
            parse_into(graph, path, fmt)
    return graph


def read_folder(folder: Path, pattern: str = "*.ttl") -> Graph:
    """The union of every file matching `pattern` in `folder`, in name order."""
    files = sorted(folder.glob(pattern))
    if not files:
        raise BadInput(f"no {pattern} files", path=folder)
    return read_graph(*files)
