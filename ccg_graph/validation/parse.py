"""Reading a steward's RDF for validation: the guarded parser of `ccg_graph.rdf.parser`, at its old import path.

Validation reads exactly what the write routes read, through the same door (media types, UTF-8, size and
nesting limits, well-formed XML, no fetching, fresh blank nodes, errors with line and column).
"""

from __future__ import annotations

from ccg_graph.rdf.parser import (
    READABLE,
    SUFFIXES,
    ParsedRdf,
    RdfLimits,
    format_for_media_type,
    format_for_path,
    parse_rdf,
    read_file,
    read_files,
    subject_lines,
)

__all__ = [
    "READABLE",
    "SUFFIXES",
    "ParsedRdf",
    "RdfLimits",
    "format_for_media_type",
    "format_for_path",
    "parse_rdf",
    "read_file",
    "read_files",
    "subject_lines",
]
