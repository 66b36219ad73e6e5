"""Assembling the national graph: one module per topic, each turning ingested records into quads."""
