"""The foundations every layer may import: settings, errors, the vocabulary (IRIs) and the term converter."""
