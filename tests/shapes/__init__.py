"""Tests of the SHACL shapes in shapes/ (pass/fail/warn cases) and of the ontology and shapes QC."""
