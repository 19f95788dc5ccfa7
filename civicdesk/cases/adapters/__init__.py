"""Outside mail systems: one protocol, one module per kind (IMAP)."""
