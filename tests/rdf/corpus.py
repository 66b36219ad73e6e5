"""Hostile and broken RDF documents, shared by the parser's unit tests and the every-door corpus.

Each case is (name, body, content type or None, a word the refusal must contain). `truncated` cuts a complete
document of each syntax inside a statement (a cut between two complete statements is itself a complete
document; see `ccg_graph.rdf.parser`).
"""

from __future__ import annotations

from dataclasses import dataclass

DEPTH = 5_000
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

#: A complete three-triple document in each syntax read.
COMPLETE: dict[str, bytes] = {
    "text/turtle": b'@prefix e: <http://example.org/> .\ne:a e:p e:b ;\n    e:q "x" ;\n    e:r e:c .\n',
    "application/x-turtle": b'@prefix e: <http://example.org/> .\ne:a e:p e:b ; e:q "x" ; e:r e:c .\n',
    "text/n3": b'@prefix e: <http://example.org/> .\ne:a e:p e:b ; e:q "x" ; e:r e:c .\n',
    "application/trig": b'@prefix e: <http://example.org/> .\ne:g { e:a e:p e:b ; e:q "x" ; e:r e:c . }\n',
    "application/n-triples": (
        b"<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n"
        b'<http://example.org/a> <http://example.org/q> "x" .\n'
        b"<http://example.org/a> <http://example.org/r> <http://example.org/c> .\n"
    ),
    "text/plain": (
        b"<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n"
        b'<http://example.org/a> <http://example.org/q> "x" .\n'
        b"<http://example.org/a> <http://example.org/r> <http://example.org/c> .\n"
    ),
    "application/n-quads": (
        b"<http://example.org/a> <http://example.org/p> <http://example.org/b> <http://example.org/g> .\n"
        b'<http://example.org/a> <http://example.org/q> "x" <http://example.org/g> .\n'
        b"<http://example.org/a> <http://example.org/r> <http://example.org/c> <http://example.org/g> .\n"
    ),
    "application/ld+json": (
        b'{"@id": "http://example.org/a", "http://example.org/p": {"@id": "http://example.org/b"},\n'
        b' "http://example.org/q": "x", "http://example.org/r": {"@id": "http://example.org/c"}}\n'
    ),
    "application/rdf+xml": (
        f"<?xml version='1.0'?>\n<rdf:RDF xmlns:rdf='{RDF_NS}' xmlns:e='http://example.org/'>\n"
        "  <rdf:Description rdf:about='http://example.org/a'>\n"
        "    <e:p rdf:resource='http://example.org/b'/>\n    <e:q>x</e:q>\n"
        "    <e:r rdf:resource='http://example.org/c'/>\n  </rdf:Description>\n</rdf:RDF>\n"
    ).encode(),
}

#: Where each complete document is cut: inside its last statement (for RDF/XML, inside the last element).
_CUT_BEFORE: dict[str, bytes] = {
    "text/turtle": b"e:c .",
    "application/x-turtle": b"e:c .",
    "text/n3": b"e:c .",
    "application/trig": b"e:c . }",
    "application/n-triples": b"<http://example.org/c> .\n",
    "text/plain": b"<http://example.org/c> .\n",
    "application/n-quads": b"<http://example.org/c> <http://example.org/g> .\n",
    "application/ld+json": b'{"@id": "http://example.org/c"}}',
    "application/rdf+xml": b"\n    <e:r",
}


def truncated(media: str) -> bytes:
    document = COMPLETE[media]
    return document[: document.rindex(_CUT_BEFORE[media]) + 3]


@dataclass(frozen=True)
class Case:
    name: str
    body: bytes
    content_type: str | None
    says: str  # a word the refusal's message must contain (case-insensitive)
    status: int = 400


def nesting_bombs() -> list[Case]:
    return [
        Case(
            "json-ld-objects",
            b'{"@id": "http://e/a", ' + b'"http://example.org/nesting#p": {' * DEPTH + b"}" * DEPTH + b"}",
            "application/ld+json",
            "nests",
        ),
        Case(
            "json-ld-arrays",
            b'{"@id": "http://e/a", "http://e/p": ' + b"[" * DEPTH + b"1" + b"]" * DEPTH + b"}",
            "application/ld+json",
            "nests",
        ),
        Case(
            "rdf-xml-elements",
            (f"<rdf:RDF xmlns:rdf='{RDF_NS}' xmlns:e='http://e/'>").encode()
            + b"<rdf:Description><e:p>" * DEPTH
            + b"x"
            + b"</e:p></rdf:Description>" * DEPTH
            + b"</rdf:RDF>",
            "application/rdf+xml",
            "nests",
        ),
        Case(
            "turtle-collections",
            b"<http://e/a> <http://e/p> " + b"( " * DEPTH + b"1" + b" )" * DEPTH + b" .",
            "text/turtle",
            "nests",
        ),
        Case(
            "turtle-blank-nodes",
            b"<http://e/a> <http://e/p> " + b"[ <http://e/p> " * DEPTH + b"1" + b" ]" * DEPTH + b" .",
            "text/turtle",
            "nests",
        ),
        Case(
            "trig-blank-nodes",
            b"<http://e/g> { <http://e/a> <http://e/p> " + b"[ <http://e/p> " * DEPTH + b"1" + b" ]" * DEPTH + b" . }",
            "application/trig",
            "nests",
        ),
        Case(
            "n3-formulas",
            b"<http://e/a> <http://e/p> " + b"{ <http://e/a> <http://e/p> " * DEPTH + b"1" + b" }" * DEPTH + b" .",
            "text/n3",
            "nests",
        ),
    ]


def truncations(media_types: list[str]) -> list[Case]:
    says = {"application/rdf+xml": "well-formed"}
    return [Case(f"truncated-{m}", truncated(m), m, says.get(m, "parse")) for m in media_types if m in COMPLETE]


def hostile_entities(canary_url: str) -> list[Case]:
    xxe = (
        f"<?xml version='1.0'?><!DOCTYPE rdf:RDF [<!ENTITY e SYSTEM '{canary_url}/xxe'>]>"
        f"<rdf:RDF xmlns:rdf='{RDF_NS}' xmlns:e='http://e/'>"
        "<rdf:Description rdf:about='http://e/a'><e:p>&e;</e:p></rdf:Description></rdf:RDF>"
    ).encode()
    file_xxe = xxe.replace(f"{canary_url}/xxe".encode(), b"file:///etc/passwd")
    laughs = "<!ENTITY l0 'ha'>" + "".join(f"<!ENTITY l{i} '{f'&l{i - 1};' * 10}'>" for i in range(1, 10))
    billion = (
        f"<?xml version='1.0'?><!DOCTYPE rdf:RDF [{laughs}]><rdf:RDF xmlns:rdf='{RDF_NS}' xmlns:e='http://e/'>"
        "<rdf:Description rdf:about='http://e/a'><e:p>&l9;</e:p></rdf:Description></rdf:RDF>"
    ).encode()
    return [
        Case("xml-external-entity", xxe, "application/rdf+xml", "DOCTYPE"),
        Case("xml-file-entity", file_xxe, "application/rdf+xml", "DOCTYPE"),
        Case("xml-billion-laughs", billion, "application/rdf+xml", "DOCTYPE"),
        Case(
            "json-ld-remote-context",
            f'{{"@context": "{canary_url}/context.jsonld", "@id": "http://e/a", "name": "x"}}'.encode(),
            "application/ld+json",
            "remote",
        ),
        Case(
            "json-ld-remote-context-in-array",
            f'{{"@context": [{{"@vocab": "http://e/"}}, "{canary_url}/c2"], "@id": "http://e/a", "n": 1}}'.encode(),
            "application/ld+json",
            "remote",
        ),
        Case(
            "json-ld-imported-context",
            f'{{"@context": {{"@import": "{canary_url}/c3"}}, "@id": "http://e/a", "n": 1}}'.encode(),
            "application/ld+json",
            "remote",
        ),
    ]


def encodings() -> list[Case]:
    return [
        Case("not-utf8-turtle", b'<http://e/a> <http://e/b> "caf\xe9" .', "text/turtle", "UTF-8"),
        Case("not-utf8-json-ld", b'{"@id": "http://e/a", "http://e/b": "caf\xe9"}', "application/ld+json", "UTF-8"),
        Case("not-utf8-n-triples", b'<http://e/a> <http://e/b> "\xff\xfe" .', "application/n-triples", "UTF-8"),
        Case(
            "declared-latin-1",
            b'<http://e/a> <http://e/b> "caf\xe9" .',
            "text/turtle; charset=iso-8859-1",
            "UTF-8",
            415,
        ),
    ]


def media_types() -> list[Case]:
    body = b"<http://e/a> <http://e/b> <http://e/c> ."
    return [
        Case("media-pdf", body, "application/pdf", "send one of", 415),
        Case("media-html", body, "text/html", "send one of", 415),
        Case("media-missing", body, None, "send one of", 415),
    ]


def huge_literal(max_body: int) -> Case:
    return Case(
        "huge-literal",
        b'<http://e/a> <http://e/b> "' + b"x" * (max_body + 1) + b'" .',
        "text/turtle",
        "limit",
        413,
    )
