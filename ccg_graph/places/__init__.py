"""Places: boundary geometry (GeoSPARQL), spatial functions and look-up, the name search index, and maps."""
