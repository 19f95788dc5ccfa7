"""HTML pages of organisations, one module per audience."""
