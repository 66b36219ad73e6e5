"""RDF on the wire: the media types ccg-graph reads and writes (and, from #15, the one guarded parser)."""
