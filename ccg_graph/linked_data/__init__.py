"""Linked data: IRIs, content negotiation, JSON-LD, the pages' view-models, the dataset description, the dumps."""
