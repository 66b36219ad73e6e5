"""Tests of `ccg_graph.ingest` against the real reference data and small malformed samples."""
