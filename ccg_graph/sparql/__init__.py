"""SPARQL text: the one lexer (more of the query machinery moves here as the layers become folders)."""
