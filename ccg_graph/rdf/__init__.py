"""RDF on the wire, as this project reads and writes it: `ccg_graph.rdf.media_types` lists every media type
ccg-graph reads or writes, once; `ccg_graph.rdf.parser` is the one door for untrusted RDF (request bodies,
stewards' files, LOAD payloads), with the guards that keep a hostile document from crashing or misleading the
server."""
